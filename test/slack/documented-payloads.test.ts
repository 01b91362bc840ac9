import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  startFakeSlack,
  slashCommandBody,
  type FakeMessage,
  type FakeSlack,
  type FakeView,
} from '@rdp-doctor/slack-fake';
import { slackSide, type SlackSide } from '../support/slack-harness';

// The requests the tests send the app must have the shape Slack documents (test/fixtures/slack/README.md
// names the page each fixture follows), so a test cannot pass on a payload Slack never sends.

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'slack');
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Every key of the documented object that `sent` lacks or carries with another JSON type, as `path: why`. */
function shapeGaps(documented: Record<string, unknown>, sent: Record<string, unknown>, at = ''): string[] {
  return Object.entries(documented).flatMap(([key, value]) => {
    const where = `${at}${key}`;
    if (!(key in sent)) return [`${where}: missing`];
    const [want, got] = [jsonType(value), jsonType(sent[key])];
    // Slack writes an absent previous view as null and a present one as a string.
    if (want !== got && !(want === 'null' || got === 'null')) return [`${where}: ${got}, documented ${want}`];
    // Block contents and text objects are the app's own, echoed back; only Slack's envelope is compared.
    if (want === 'object' && got === 'object' && !['values', 'title', 'close', 'submit'].includes(key)) {
      return shapeGaps(value as Record<string, unknown>, sent[key] as Record<string, unknown>, `${where}.`);
    }
    return [];
  });
}

let fake: FakeSlack;
let server: http.Server;
let side: SlackSide;
const bodies: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  side = slackSide(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, fake);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fake.stop();
});

const lastPayload = (): Record<string, unknown> =>
  JSON.parse(new URLSearchParams(bodies[bodies.length - 1]).get('payload')!) as Record<string, unknown>;

test('a slash command carries exactly the form fields Slack documents', () => {
  const documented = new URLSearchParams(
    fs.readFileSync(path.join(FIXTURES, 'slash_command.form.txt'), 'utf8'),
  );
  const sent = new URLSearchParams(
    slashCommandBody({
      command: '/rdp',
      text: 'vm-web-01',
      userId: 'U0ALICE',
      channelId: 'C0INCIDENT',
      teamId: fake.teamId,
      responseUrl: fake.responseUrl({ channel: 'C0INCIDENT', user: 'U0ALICE' }),
      triggerId: fake.triggerId(),
    }),
  );
  expect([...sent.keys()].sort()).toEqual([...documented.keys()].sort());
});

test('a button click on a channel message has the documented block_actions shape', async () => {
  const message = {
    channel: 'C0INCIDENT',
    ts: '1764860430.000100',
    text: 'report',
    blocks: [
      {
        type: 'actions',
        block_id: 'fixes',
        elements: [{ type: 'button', action_id: 'fix:start-vm', value: '{}' }],
      },
    ],
    ephemeral: false,
    deleted: false,
    history: [],
  } as unknown as FakeMessage;
  await side.click(message, 'fix:start-vm', 'U0BOB');
  expect(shapeGaps(fixture('block_actions.message.json'), lastPayload())).toEqual([]);
});

test('a modal submission has the documented view_submission shape', async () => {
  const view = {
    id: 'V0FIXPARAMS',
    type: 'modal',
    view: {
      type: 'modal',
      callback_id: 'fix-params',
      title: { type: 'plain_text', text: 'Allow RDP' },
      submit: { type: 'plain_text', text: 'Propose' },
      close: { type: 'plain_text', text: 'Cancel' },
      private_metadata: 'signed',
      blocks: [
        { type: 'input', block_id: 'source', element: { type: 'plain_text_input', action_id: 'value' } },
      ],
    },
    hash: '1764860430.abc',
    root_view_id: 'V0FIXPARAMS',
    previous_view_id: null,
    history: [],
    closed: false,
  } as unknown as FakeView;
  await side.submit(view, 'U0ALICE', { source: '203.0.113.10' });
  expect(shapeGaps(fixture('view_submission.json'), lastPayload())).toEqual([]);
});

/** A Home tab as the fake keeps it after the app's views.publish, with one Approve button. */
function publishedHome(user: string): FakeView {
  const view = {
    id: `V0HOME${user.slice(1)}`,
    type: 'home',
    user,
    view: {
      type: 'home',
      blocks: [
        {
          type: 'actions',
          block_id: 'home-proposal',
          elements: [{ type: 'button', action_id: 'approve-fix', value: 'proposal-1' }],
        },
      ],
    },
    hash: '1764860409.5e6f7a8b',
    root_view_id: `V0HOME${user.slice(1)}`,
    previous_view_id: null,
    history: [],
    closed: false,
  } as unknown as FakeView;
  fake.views.push(view);
  return view;
}

test('a button click in the Home tab has the documented block_actions shape', async () => {
  publishedHome('U0BOB');
  await side.clickInHome('U0BOB', 'approve-fix', 'proposal-1');
  expect(shapeGaps(fixture('block_actions.home.json'), lastPayload())).toEqual([]);
});

test('a message shortcut has the documented message_action shape', async () => {
  const complaint = {
    channel: 'C0INCIDENT',
    ts: '1764860300.000200',
    text: "Can't RDP into vm-web-01 since this morning",
    user: 'U0DAVE',
  };
  await side.shortcut(complaint, 'U0ALICE', 'diagnose_rdp');
  expect(shapeGaps(fixture('message_action.json'), lastPayload())).toEqual([]);
});

test('opening the Home tab sends the documented app_home_opened envelope, as a JSON body', async () => {
  publishedHome('U0CAROL');
  await side.openHome('U0CAROL');
  const sent = JSON.parse(bodies[bodies.length - 1]) as Record<string, unknown>;
  expect(shapeGaps(fixture('app_home_opened.event_callback.json'), sent)).toEqual([]);
});
