import { scenarios } from '@rdp-doctor/azure-sandbox';
import { startFakeSlack, type FakeSlack } from '@rdp-doctor/slack-fake';
import { createTarget, type Driver, type StoreTarget } from '../store/support';
import { scenarioAzure, startHarness, type Harness, type SandboxEnvironment } from '../support/slack-harness';
import { diagnosed, eventually, finalProposal, propose, proposalIdOf } from './approvals-support';

// Twenty people click Approve at once, their clicks spread over the app's replicas: the fix runs exactly
// once, counted as the writes the ARM emulator received. Replicas share one database, one Slack and one Azure.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const APPROVERS = Array.from({ length: 20 }, (_unused, i) => `U0APPROVER${String(i + 1).padStart(2, '0')}`);

describe.each<[string, Driver, number]>([
  ['PostgreSQL shared by 3 app instances', 'postgres', 3],
  ['the embedded SQLite store and one app instance', 'sqlite', 1],
])('%s', (_name, driver, instances) => {
  let target: StoreTarget;
  let fake: FakeSlack;
  let azure: SandboxEnvironment;
  let replicas: Harness[];

  beforeAll(async () => {
    target = await createTarget(driver);
    fake = await startFakeSlack();
    azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
    const env: Record<string, string> = { DATA_DIR: target.config.dataDir, APPROVERS: APPROVERS.join(',') };
    if (target.config.databaseUrl) env.DATABASE_URL = target.config.databaseUrl;
    replicas = [];
    for (let i = 0; i < instances; i++) replicas.push(await startHarness({ fake, azure, env }));
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await fake.stop();
    await azure.close();
    await target.destroy();
  });

  test('20 concurrent approvals from distinct approvers execute the fix exactly once', async () => {
    const [first] = replicas;
    const diagnosis = await diagnosed(first, VM, 'from 203.0.113.10', 'U0ALICE');
    const proposal = await propose(replicas[replicas.length - 1], diagnosis, FIX, 'U0ALICE', {});
    const id = proposalIdOf(proposal);
    const asShown = structuredClone(proposal);

    const responses = await Promise.all(
      APPROVERS.map((approver, i) => replicas[i % replicas.length].click(asShown, 'approve-fix', approver)),
    );
    expect(responses.map((r) => r.status)).toEqual(APPROVERS.map(() => 200));

    // Bolt answers a click before its handler finishes: wait until every click was judged (counted or
    // refused, each audited), then for the execution and every replica's background work.
    await eventually(async () => {
      const judged = (await first.app.store.listAudit({ proposalId: id })).filter((e) =>
        ['approval-added', 'approve-refused'].includes(e.action),
      );
      return new Set(judged.map((e) => e.actor)).size === APPROVERS.length;
    }, 'all 20 approvals to be judged');
    const done = await finalProposal(first, id);
    for (const replica of replicas) await replica.app.executor.idle();
    expect(done.state).toBe('succeeded');
    expect(
      azure.sandbox!.writes().map((w) => `${w.method} ${w.path.split('/').slice(-2).join('/')}`),
    ).toEqual(['PUT securityRules/Allow-RDP-203.0.113.10-32-rdpdoctor']);

    const audit = (await first.app.store.listAudit({ proposalId: id })).map((e) => e.action);
    expect(audit.filter((a) => a === 'approved')).toHaveLength(1);
    expect(audit.filter((a) => a === 'executing')).toHaveLength(1);
    expect(audit.filter((a) => a === 'succeeded')).toHaveLength(1);
    const results = fake.messages.filter(
      (m) => m.thread_ts === diagnosis.ts && m.text.startsWith(`${FIX} on ${VM}:`),
    );
    expect(results).toHaveLength(1);
    expect(proposal.text).toMatch(/: done and verified$/);
  });
});
