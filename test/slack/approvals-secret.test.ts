import fs from 'node:fs';
import { openSqlite } from '../../src/store/sqlite';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { tempDataDir } from '../store/support';
import { scenarioAzure, startHarness, type Harness } from '../support/slack-harness';
import { diagnosed, ephemeralsFor, finalProposal, propose, proposalIdOf, textOf } from './approvals-support';

// VMAccess's new password is shown once, to the proposer, privately, and nowhere else: not in the channel,
// the thread, a modal, any other Slack call, a log line, or any row of any table of the store.

const VM = 'password-rejected';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let h: Harness;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  const azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  h = await startHarness({ azure, env: { DATA_DIR: dataDir, APPROVERS: BOB } });
  const stop = h.stop;
  h.stop = async () => {
    await stop();
    await azure.close();
  };
});

afterAll(async () => {
  await h.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function everyStoredRow(): Promise<string> {
  const db = await openSqlite(dataDir);
  try {
    const tables = await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['fix_proposals', 'approvals', 'audit_log', 'diagnosis_snapshots', 'leases']),
    );
    const rows = await Promise.all(tables.map((t) => db.query(`SELECT * FROM "${t.name}"`)));
    return JSON.stringify(rows);
  } finally {
    await db.close();
  }
}

test('the generated password reaches only the proposer, once, in an ephemeral message', async () => {
  const diagnosis = await diagnosed(h, VM, 'credentials', ALICE);
  const proposal = await propose(h, diagnosis, 'vmaccess-reset', ALICE, {});
  const id = proposalIdOf(proposal);
  await h.click(proposal, 'approve-fix', BOB);
  expect(await finalProposal(h, id)).toMatchObject({ state: 'succeeded' });

  const [shown] = await h.waitFor(() =>
    ephemeralsFor(h, ALICE).length > 0 ? ephemeralsFor(h, ALICE) : undefined,
  );
  expect(shown.text + JSON.stringify(shown.blocks)).toMatch(/shown once, only to you/i);
  const password = /`([^`]{12,})`/.exec(JSON.stringify(shown.blocks))?.[1] ?? '';
  expect(password).toHaveLength(24);

  // It is the password VMAccess set, and it went to Azure only as a protected setting.
  const put = h.azure.sandbox!.requests.filter((r) => JSON.stringify(r.body ?? null).includes(password));
  expect(put).toHaveLength(1);
  expect(
    (put[0].body as { properties: { protectedSettings: unknown } }).properties.protectedSettings,
  ).toEqual({ Password: password });

  const calls = h.fake.calls.filter((c) => JSON.stringify(c.body).includes(password));
  expect(calls.map((c) => [c.method, c.body.user, c.body.channel])).toEqual([
    ['chat.postEphemeral', ALICE, diagnosis.channel],
  ]);
  expect(
    h.fake.messages.filter(
      (m) => textOf(m).includes(password) || m.history.some((v) => JSON.stringify(v).includes(password)),
    ),
  ).toEqual([shown]);
  expect(JSON.stringify(h.fake.views)).not.toContain(password);
  expect(ephemeralsFor(h, BOB).some((m) => textOf(m).includes(password))).toBe(false);
  expect(h.logLines.filter((line) => line.includes(password))).toEqual([]);
  expect(await everyStoredRow()).not.toContain(password);

  const result = h.fake.messages.find(
    (m) => m.thread_ts === diagnosis.ts && m.text.startsWith(`vmaccess-reset on ${VM}: done and verified`),
  );
  expect(result && textOf(result)).toMatch(/the new password went only to the proposer/);
});
