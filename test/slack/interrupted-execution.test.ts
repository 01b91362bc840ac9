import fs from 'node:fs';
import path from 'node:path';
import { scenarios } from '@rdp-doctor/azure-sandbox';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '@rdp-doctor/slack-fake';
import { openStore } from '../../src/store/open';
import { createTarget, tempDataDir } from '../store/support';
import { scenarioAzure, type SandboxEnvironment } from '../support/slack-harness';
import { spawnApp, type SpawnedApp } from '../support/spawn-app';
import { startThrowawayPostgres } from '../support/throwaway-postgres';
import { diagnosed, eventually, propose, proposalIdOf, textOf } from './approvals-support';

// A fix whose replica dies, or whose database goes away, while it runs: on PostgreSQL, with the app in
// processes of its own at the production lease (60 s, renewed every 20 s). Killed among three replicas,
// another one closes it as interrupted, re-checks the cause and says what is known, within two minutes
// and without running it again. With the database stopped for 15 s mid-run, the run records its outcome
// and posts it once the database is back. The database-outage test stops a server of its own, never the
// shared one. Every wait is for a condition.

jest.setTimeout(300_000);

const VM = 'termservice-not-running';
const FIX = 'start-termservice';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
/** Far above what any wait here takes alone: deadlines only matter when something is broken. */
const PATIENCE_MS = 150_000;

let fake: FakeSlack;
let azure: SandboxEnvironment;
let caFile: string;
const apps: SpawnedApp[] = [];
/** What each test set up beyond the sandbox, undone after it (databases, directories). */
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  caFile = path.join(tempDataDir(), 'sandbox-ca.pem');
});

// The fix mends the machine: each test gets a sandbox where TermService is still stopped. Run Command
// takes about 3 s, so a fix is caught in the middle of it.
beforeEach(async () => {
  azure = await scenarioAzure({
    latency: 'realistic',
    scale: 0.1,
    scenarios: scenarios.filter((s) => s.name === VM),
  });
  fs.writeFileSync(caFile, azure.sandbox!.caCertificate);
});

afterEach(async () => {
  for (const app of apps.splice(0)) await app.kill();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await azure.close();
});

afterAll(async () => {
  await fake.stop();
  fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
});

function startReplica(dataDir: string, databaseUrl: string): Promise<SpawnedApp> {
  return spawnApp({
    fake,
    sandbox: azure.sandbox!,
    caFile,
    dataDir,
    env: { DATABASE_URL: databaseUrl, APPROVERS: BOB },
  }).then((app) => (apps.push(app), app));
}

/** The fix scripts that reached the machine: each is one execution. */
function fixRuns(): number {
  return azure.sandbox!.writes().filter((w) => w.path.toLowerCase().includes(`/${VM}/runcommand`)).length;
}

/** Messages in the proposal's thread that say how the fix ended (not the proposal message itself). */
function endings(proposal: FakeMessage): FakeMessage[] {
  return fake.messages.filter(
    (m) => m.thread_ts === proposal.thread_ts && !m.ephemeral && m.text.startsWith(`${FIX} on ${VM}: `),
  );
}

async function auditOf(databaseUrl: string, dataDir: string, id: string): Promise<string[]> {
  const store = await openStore({ dataDir, databaseUrl });
  try {
    return (await store.listAudit({ proposalId: id })).map((e) => e.action);
  } finally {
    await store.close();
  }
}

/** Diagnoses, proposes as Alice and approves as Bob through `approver`, which then runs the fix. */
async function approvedOn(
  approver: SpawnedApp,
  others: SpawnedApp[],
): Promise<{ proposal: FakeMessage; id: string }> {
  const diagnosis = await diagnosed((others[0] ?? approver).side, VM, 'refused', ALICE, PATIENCE_MS);
  const proposal = await propose((others[1] ?? approver).side, diagnosis, FIX, ALICE);
  const id = proposalIdOf(proposal);
  await approver.side.click(proposal, 'approve-fix', BOB);
  // The fix's Run Command reached Azure: the fix is running.
  await approver.side.waitFor(() => fixRuns() > 0, PATIENCE_MS);
  return { proposal, id };
}

describe('an execution interrupted on PostgreSQL', () => {
  test('kill -9 of the executing replica among 3: another reports it within 2 minutes, and it ran once', async () => {
    const target = await createTarget('postgres');
    cleanups.push(() => target.destroy());
    const url = target.config.databaseUrl!;
    const [executing, ...others] = await Promise.all(
      [0, 1, 2].map(() => startReplica(target.config.dataDir, url)),
    );
    const { proposal, id } = await approvedOn(executing, others);

    await executing.kill();
    const killedAt = Date.now();
    const [report] = await others[0].side.waitFor(() => {
      const said = endings(proposal);
      return said.length > 0 && said;
    }, PATIENCE_MS);
    const reportedAfterMs = Date.now() - killedAt;
    process.stdout.write(`interrupted execution: reported ${reportedAfterMs} ms after kill -9\n`);
    expect(reportedAfterMs).toBeLessThanOrEqual(120_000);

    expect(report.text).toMatch(new RegExp(`^${FIX} on ${VM}: interrupted\\.`));
    expect(textOf(report)).toContain('the fix may or may not have run');
    // The killed process's Run Command finished in Azure all the same: the re-check finds TermService up.
    expect(textOf(report)).toContain('The cause is gone now');
    expect(proposal.text).toMatch(/: interrupted$/);

    const audit = await eventually(async () => {
      const actions = await auditOf(url, target.config.dataDir, id);
      return actions.includes('rechecked-after-interruption') && actions;
    }, 'the re-check in the audit log');
    expect(
      audit.filter((a) =>
        ['executing', 'interrupted', 'rechecked-after-interruption', 'succeeded', 'failed'].includes(a),
      ),
    ).toEqual(['executing', 'interrupted', 'rechecked-after-interruption']);
    expect(fixRuns()).toBe(1);
    expect(endings(proposal)).toEqual([report]);
    expect(others.every((app) => app.alive())).toBe(true);
  });

  test('the database stopped for 15 s mid-run: the outcome is recorded and posted once it returns', async () => {
    const postgres = await startThrowawayPostgres();
    cleanups.push(() => postgres.destroy());
    const dataDir = tempDataDir();
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const replica = await startReplica(dataDir, postgres.url);
    const { proposal, id } = await approvedOn(replica, []);

    await postgres.stop();
    // The outage is what is tested: it lasts 15 s whatever the fix does meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect(endings(proposal)).toEqual([]);
    await postgres.start();
    const backAt = Date.now();

    const [ending] = await replica.side.waitFor(() => {
      const said = endings(proposal);
      return said.length > 0 && said;
    }, PATIENCE_MS);
    process.stdout.write(
      `database outage: outcome posted ${Date.now() - backAt} ms after the database returned\n`,
    );
    expect(ending.text).toMatch(new RegExp(`^${FIX} on ${VM}: done and verified\\.`));
    await replica.side.waitFor(() => /: done and verified$/.test(proposal.text), PATIENCE_MS);
    // The outcome was reached while the database was away, and recorded once it answered.
    expect(replica.output().some((line) => line.includes('recording the fix outcome failed; retrying'))).toBe(
      true,
    );
    const audit = await auditOf(postgres.url, dataDir, id);
    expect(audit.filter((a) => ['executing', 'interrupted', 'succeeded', 'failed'].includes(a))).toEqual([
      'executing',
      'succeeded',
    ]);
    expect(fixRuns()).toBe(1);
    expect(replica.alive()).toBe(true);
  });
});
