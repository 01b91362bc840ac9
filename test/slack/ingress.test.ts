import fs from 'node:fs';
import path from 'node:path';
import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import { interactionBody, slashCommandBody } from '@rdp-doctor/slack-fake';
import type { Db } from '../../src/store/db';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store';
import { createTarget, type Driver, type StoreTarget } from '../store/support';
import {
  CHANNEL,
  scenarioAzure,
  startHarness,
  type Harness,
  type SandboxEnvironment,
} from '../support/slack-harness';

// The front door of /slack/events: a request that is not signed by Slack, or is signed for a time more
// than five minutes away in either direction, is refused before anything is stored, on either store.

jest.setTimeout(120_000);

const now = () => Math.floor(Date.now() / 1000);

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables =
    db.dialect === 'sqlite'
      ? await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      : await db.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
        );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${name}"`);
    counts[name] = Number(row.n);
  }
  return counts;
}

function fileSizes(dir: string): Record<string, number> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .map((name) => path.join(dir, name))
      .filter((file) => fs.statSync(file).isFile())
      .map((file) => [path.basename(file), fs.statSync(file).size]),
  );
}

describe.each<Driver>(['sqlite', 'postgres'])('on %s', (driver) => {
  let target: StoreTarget;
  let store: Store;
  let azure: SandboxEnvironment;
  let h: Harness;
  let db: Db;

  beforeAll(async () => {
    target = await createTarget(driver);
    store = await openStore(target.config);
    azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === 'vm-healthy') });
    h = await startHarness({ store, azure, env: { DATA_DIR: target.config.dataDir } });
    db = await target.openDb();
    // Bolt checks its token once at start; the counts below begin after it.
    await h.waitFor(() => h.fake.calls.some((c) => c.method === 'auth.test'));
  });

  afterAll(async () => {
    await db.close();
    await h.stop();
    await store.close();
    await azure.close();
    await target.destroy();
  });

  const bodies = (): string[] => [
    slashCommandBody({
      command: '/rdp',
      text: 'vm-healthy',
      userId: 'U0STRANGER',
      channelId: CHANNEL,
      teamId: h.fake.teamId,
      responseUrl: h.fake.responseUrl({ channel: CHANNEL, user: 'U0STRANGER' }),
      triggerId: h.fake.triggerId(),
    }),
    interactionBody({ type: 'block_actions', user: { id: 'U0STRANGER' }, actions: [] }),
    interactionBody({ type: 'view_submission', user: { id: 'U0STRANGER' }, view: {} }),
    'payload=null',
    '',
  ];

  // Each an 8 KB X-Slack-Signature: the lease was keyed by it, so every one used to cost a row of 8 KB.
  const forgeries = (): { name: string; headers: Record<string, string> }[] => [
    { name: 'v0= and 8 KB of hex', headers: { 'x-slack-signature': `v0=${'ab'.repeat(4096)}` } },
    { name: '8 KB of junk', headers: { 'x-slack-signature': 'Z'.repeat(8192) } },
    {
      name: '8 KB, timestamp 10 minutes ahead',
      headers: {
        'x-slack-signature': `v0=${'0'.repeat(8189)}`,
        'x-slack-request-timestamp': String(now() + 600),
      },
    },
    {
      name: '8 KB, timestamp missing',
      headers: { 'x-slack-signature': `v0=${'f'.repeat(8189)}`, 'x-slack-request-timestamp': '' },
    },
  ];

  it('500 unsigned requests with 8 KB signature headers change no row and grow no file', async () => {
    const rowsBefore = await rowCounts(db);
    const filesBefore = fileSizes(target.config.dataDir);
    const callsBefore = h.fake.calls.length;
    const statuses: number[] = [];
    for (let i = 0; i < 500; i += 25) {
      const batch = Array.from({ length: 25 }, (_, j) => {
        const n = i + j;
        const body = bodies()[n % 5];
        const forgery = forgeries()[Math.floor(n / 5) % 4];
        return fetch(h.url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(now()),
            ...forgery.headers,
          },
        }).then((r) => r.status);
      });
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses).toEqual(Array(500).fill(401));
    expect(await rowCounts(db)).toEqual(rowsBefore);
    expect(fileSizes(target.config.dataDir)).toEqual(filesBefore);
    expect(h.fake.calls.slice(callsBefore).map((c) => c.method)).toEqual([]);

    // The same count sees a signed request's replay lease: the check above could have failed.
    const signed = await h.command('help', { user: 'U0SIGNED' });
    expect(signed.status).toBe(200);
    await h.waitFor(() => h.fake.messages.some((m) => m.ephemeral && m.user === 'U0SIGNED'));
    expect((await rowCounts(db)).leases).toBe(rowsBefore.leases + 1);
  });

  it("answers Slack's unsigned ssl_check with 200 and stores nothing", async () => {
    const rowsBefore = await rowCounts(db);
    const response = await fetch(h.url, {
      method: 'POST',
      body: 'ssl_check=1&token=x&payload=%7B%22type%22%3A%22block_actions%22%7D',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(await rowCounts(db)).toEqual(rowsBefore);
  });

  it.each([
    ['ten minutes ahead', 600, 401],
    ['five and a half minutes ahead', 330, 401],
    ['ten minutes behind', -600, 401],
    ['four minutes ahead', 240, 200],
    ['four minutes behind', -240, 200],
  ])('a request signed for %s (%i s from now) answers %i', async (_when, offset, status) => {
    const user = `U0SKEW${offset < 0 ? 'M' : 'P'}${Math.abs(offset)}`;
    const leasesBefore = (await rowCounts(db)).leases;
    const response = await h.command('help', { user }, { timestamp: now() + offset });
    expect(response.status).toBe(status);
    if (status === 200) {
      await h.waitFor(() => h.fake.messages.some((m) => m.ephemeral && m.user === user));
      return;
    }
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/future|past/) });
    expect((await rowCounts(db)).leases).toBe(leasesBefore);
    // Bolt acknowledges whatever reaches it with 200: a 401 was answered before Bolt, so nothing ran.
    expect(h.fake.messages.some((m) => m.user === user)).toBe(false);
  });
});
