import { findSubscription } from '../../src/digest/commands';
import { DigestService } from '../../src/digest/service';
import { createLogger } from '../../src/logger';
import { digestCommands, type DigestCommands } from '../../src/slack/digests';
import type { SlackMessage } from '../../src/slack/blocks/types';
import { openStore, type DigestSubscription, type Store } from '../../src/store';
import { tempDataDir } from '../store/support';
import { emptyPeriod } from './period';

// `/rdp digest add|list|remove|run` as a person types it: every answer private, every mistake explained.

const CHANNEL = 'C0DIGEST01';
const OTHER_CHANNEL = 'C0ELSEWHERE';
const SUB = '5a4db0c5-0000-4000-8000-00000000a001';

let store: Store;
let digests: DigestCommands;
/** What the digest posted in channels. */
let posted: { channel: string; text: string }[];

beforeEach(async () => {
  store = await openStore({ dataDir: tempDataDir() });
  const reader = {
    inventory: async () => {
      throw new Error('Azure is unreachable (ECONNREFUSED)');
    },
    metrics: async () => ({ metrics: new Map(), calls: 0, failures: [] }),
  };
  const service = new DigestService({ reader, store: emptyPeriod(), configuredSubscriptions: [SUB] });
  posted = [];
  const postMessage = async (message: { channel: string; text: string }) => {
    posted.push(message);
    return { ok: true, ts: '1.0' };
  };
  const client = { chat: { postMessage } } as unknown as Parameters<typeof digestCommands>[0]['client'];
  digests = digestCommands({ store, service, client, logger: createLogger('silent') });
});
afterEach(() => store.close());

async function say(
  action: 'add' | 'list' | 'remove' | 'run',
  args: string[],
  channel = CHANNEL,
): Promise<string[]> {
  const answers: SlackMessage[] = [];
  await digests.command({
    action,
    args,
    channel,
    user: 'U0ALICE',
    respond: async (m) => void answers.push(m),
  });
  return answers.map((m) => JSON.stringify(m.blocks));
}

test('add keeps the schedule, zone and scope, and answers with the next runs', async () => {
  const [answer] = await say('add', [
    'weekdays',
    '08:30',
    'Europe/Paris',
    `subscription:${SUB}`,
    'rg:rg-web',
    'rg:rg-api',
    'tag:env=prod',
  ]);
  const [saved] = await store.listSubscriptions(CHANNEL);
  expect(saved).toMatchObject({
    schedule: '30 8 * * 1-5',
    timezone: 'Europe/Paris',
    scope: {
      subscriptions: [SUB],
      resourceGroups: ['rg-web', 'rg-api'],
      tags: [{ key: 'env', value: 'prod' }],
    },
    createdBy: 'U0ALICE',
  });
  expect(answer).toContain(
    `added: weekdays at 08:30 (Europe/Paris), subscription ${SUB}, resource group rg-web or rg-api, tag env=prod.`,
  );
  expect(answer).toMatch(/Next: \d{4}-\d\d-\d\d \d\d:30 UTC, /);
});

test.each([
  [['daily', '9am'], '\\"9am\\" is not a time of day for `daily`'],
  [['daily', '09:00', 'Europe/Pariss'], 'is not a time zone I know'],
  [['rg:bad/name'], '\\"bad/name\\" is not a resource group name'],
  [['subscription:prod'], '\\"prod\\" is not a subscription id'],
  [['tag:env'], '\\"env\\" is not a tag filter: use `tag:&lt;key&gt;=&lt;value&gt;`'],
])('add refuses %j and says why', async (args, message) => {
  const [answer] = await say('add', args);
  expect(answer).toContain(message);
  expect(await store.listSubscriptions()).toEqual([]);
});

test('list, remove and run find a digest of this channel by the start of its id', async () => {
  expect((await say('list', []))[0]).toContain('This channel has no digest.');
  await say('add', ['hourly']);
  const [digest] = await store.listSubscriptions(CHANNEL);
  const short = digest.id.slice(0, 8);
  expect((await say('list', []))[0]).toContain(
    `\`${short}\` hourly (UTC), the configured subscriptions; added by <@U0ALICE>, not posted yet`,
  );

  expect((await say('remove', ['zz']))[0]).toContain('No digest `zz` in this channel');
  expect((await say('remove', []))[0]).toContain('Usage: `/rdp digest remove &lt;id&gt;`');
  expect((await say('remove', [short], OTHER_CHANNEL))[0]).toContain(
    `No digest \`${short}\` in this channel`,
  );

  // The digest cannot be built: the channel hears why, as it would from a scheduled run.
  const answers = await say('run', [short]);
  expect(answers).toHaveLength(1);
  expect(answers[0]).toContain(`Taking digest \`${short}\` now`);
  expect(posted).toEqual([
    expect.objectContaining({
      channel: CHANNEL,
      text: 'The RDP health digest could not be built: Azure is unreachable (ECONNREFUSED)',
    }),
  ]);

  expect((await say('remove', [short.toUpperCase()]))[0]).toContain(
    `Digest \`${short}\` removed (hourly (UTC)`,
  );
  expect(await store.listSubscriptions()).toEqual([]);
});

test('an id prefix two digests share asks for more of the id', () => {
  const digest = (id: string) => ({ id }) as DigestSubscription;
  const both = [
    digest('7d0c4d8e-aaaa-4000-8000-000000000001'),
    digest('7d0c4d8e-bbbb-4000-8000-000000000002'),
  ];
  expect(() => findSubscription(both, ['7d0c'], 'run')).toThrow(
    "`7d0c` is the start of 2 digests' ids here: type more of it.",
  );
  expect(findSubscription(both, ['7D0C4D8E-B'], 'run')).toBe(both[1]);
  expect(() => findSubscription(both, ['7d0'], 'run')).toThrow('No digest `7d0` in this channel');
});
