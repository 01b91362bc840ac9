import type { Report } from '../../src/diagnosis/report';
import { openStore, type Store } from '../../src/store';
import { DRIVERS, FakeClock, createTarget, newProposal, type StoreTarget } from '../store/support';

// The two reads a digest makes of its period: the diagnoses and the fix proposals since the last digest.

function reportFor(vmName: string): Report {
  return {
    schemaVersion: 1,
    vm: {
      id: `/vm/${vmName}`,
      name: vmName,
      resourceGroup: 'rg',
      subscriptionId: 's',
      location: 'westeurope',
      osType: 'Windows',
      powerState: 'running',
    },
    symptom: 'timeout',
    source: null,
    startedAt: '2025-03-04T10:00:00.000Z',
    finishedAt: '2025-03-04T10:00:40.000Z',
    verdict: { layer: 'none', causes: [], summary: 'clean' },
    layers: [],
    checks: [],
    findings: [],
  };
}

describe.each(DRIVERS)('the period on %s', (driver) => {
  let target: StoreTarget;
  let store: Store;
  const clock = new FakeClock();

  beforeEach(async () => {
    target = await createTarget(driver);
    store = await openStore({ ...target.config, clock: clock.now });
  });
  afterEach(async () => {
    await store.close();
    await target.destroy();
  });

  it('lists the runs since a time, newest first, at most the limit, without their facts', async () => {
    const start = clock.now();
    for (const name of ['vm-a', 'vm-b', 'vm-c']) {
      await store.saveSnapshot({
        runId: name,
        vmId: `/vm/${name}`,
        requestedBy: ['U1'],
        facts: null,
        channel: 'C1',
        messageTs: null,
        report: reportFor(name),
      });
      clock.advance(60_000);
    }
    const since = await store.listSnapshotsSince(new Date(start.getTime() + 60_000), 10);
    expect(since.map((s) => s.runId)).toEqual(['vm-c', 'vm-b']);
    expect(since[0]).not.toHaveProperty('facts');
    expect(since[0].report.vm.name).toBe('vm-c');
    expect((await store.listSnapshotsSince(start, 1)).map((s) => s.runId)).toEqual(['vm-c']);
  });

  it('lists the proposals since a time, newest first, at most the limit', async () => {
    const start = clock.now();
    await store.createProposal(newProposal({ vmName: 'vm-a' }));
    clock.advance(60_000);
    await store.createProposal(newProposal({ vmName: 'vm-b' }));
    clock.advance(60_000);
    await store.createProposal(newProposal({ vmName: 'vm-c' }));
    expect(
      (await store.listProposalsSince(new Date(start.getTime() + 30_000), 10)).map((p) => p.vmName),
    ).toEqual(['vm-c', 'vm-b']);
    expect((await store.listProposalsSince(start, 2)).map((p) => p.vmName)).toEqual(['vm-c', 'vm-b']);
  });
});
