import fs from 'node:fs';
import path from 'node:path';
import type { AzureEnvironment } from '../../src/environment';
import { scenarios } from '@rdp-doctor/azure-sandbox/scenarios';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { createTarget, tempDataDir, type Driver } from '../store/support';
import { scenarioAzure } from '../support/slack-harness';
import { spawnApp } from '../support/spawn-app';
import { diagnosed, ephemeralsFor, propose, textOf } from './approvals-support';

// VMAccess's new password, at the chattiest log levels (Bolt's Web API client logs every request body at
// debug), run end to end in the app's own process: it reaches the proposer's ephemeral message and
// nothing else: no line the process writes, no other Slack call, no byte of the SQLite files, no row of
// any PostgreSQL table.

jest.setTimeout(120_000);

const VM = 'password-rejected';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let fake: FakeSlack;
let azure: AzureEnvironment;
let caFile: string;

beforeAll(async () => {
  fake = await startFakeSlack();
  caFile = path.join(tempDataDir(), 'sandbox-ca.pem');
});

// The fix mends the machine, so each run gets a sandbox where the password is still rejected.
beforeEach(async () => {
  azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  fs.writeFileSync(caFile, azure.sandbox!.caCertificate);
});

afterEach(() => azure.close());

afterAll(async () => {
  await fake.stop();
  fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

test.each<[string, Driver]>([
  ['debug', 'sqlite'],
  ['trace', 'sqlite'],
  ['debug', 'postgres'],
  ['trace', 'postgres'],
])(
  'at LOG_LEVEL=%s with %s, the VMAccess password reaches only the proposer ephemeral',
  async (level, driver) => {
    const target = await createTarget(driver);
    const env: Record<string, string> = { LOG_LEVEL: level, APPROVERS: BOB };
    if (target.config.databaseUrl) env.DATABASE_URL = target.config.databaseUrl;
    const app = await spawnApp({
      fake,
      sandbox: azure.sandbox!,
      caFile,
      dataDir: target.config.dataDir,
      env,
    });
    const callsBefore = fake.calls.length;
    const messagesBefore = fake.messages.length;
    try {
      const diagnosis = await diagnosed(app.side, VM, 'credentials', ALICE);
      const proposal = await propose(app.side, diagnosis, 'vmaccess-reset', ALICE, {});
      await app.side.click(proposal, 'approve-fix', BOB);
      const shown = await app.side.waitFor(
        () =>
          ephemeralsFor(app.side, ALICE).find(
            (m) => fake.messages.indexOf(m) >= messagesBefore && /shown once, only to you/i.test(textOf(m)),
          ),
        60_000,
      );
      const password = /`([^`]{12,})`/.exec(JSON.stringify(shown.blocks))?.[1] ?? '';
      expect(password).toHaveLength(24);
      await app.side.waitFor(() =>
        fake.messages.some(
          (m) => m.thread_ts === diagnosis.ts && m.text.startsWith(`vmaccess-reset on ${VM}: done`),
        ),
      );
      await app.stop();

      // The debug lines were written: the scan below had something to scan.
      const lines = app.output();
      expect(lines.some((line) => line.includes('"level":20'))).toBe(true);
      expect(lines.filter((line) => line.includes(password))).toEqual([]);

      const calls = fake.calls.slice(callsBefore).filter((c) => JSON.stringify(c.body).includes(password));
      expect(calls.map((c) => [c.method, c.body.user])).toEqual([['chat.postEphemeral', ALICE]]);

      const files = filesUnder(target.config.dataDir);
      if (driver === 'sqlite') expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect({ file, found: fs.readFileSync(file).includes(Buffer.from(password)) }).toEqual({
          file,
          found: false,
        });
      }
      if (driver === 'postgres') {
        const db = await target.openDb();
        try {
          const tables = await db.query<{ table_name: string }>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
          );
          expect(tables.map((t) => t.table_name)).toEqual(
            expect.arrayContaining(['fix_proposals', 'audit_log', 'leases']),
          );
          for (const { table_name: table } of tables) {
            const rows = await db.query(`SELECT * FROM "${table}"`);
            expect({ table, found: JSON.stringify(rows).includes(password) }).toEqual({
              table,
              found: false,
            });
          }
        } finally {
          await db.close();
        }
      }
    } finally {
      await app.stop();
      await target.destroy();
    }
  },
);
