import { randomUUID } from 'node:crypto';
import type { Report } from '../../src/diagnosis/report';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/store';
import { DRIVERS, FakeClock, createTarget, type StoreTarget } from './support';

// The App Home's "your recent diagnoses": the runs one person asked for or joined, newest first.

function reportFor(vmName: string, summary: string): Report {
  return {
    schemaVersion: 1,
    vm: {
      id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${vmName}`,
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
    verdict: { layer: 'network', causes: ['nsg-denies-rdp'], summary },
    layers: [],
    checks: [],
    findings: [],
  };
}

describe.each(DRIVERS)('listRecentDiagnoses on %s', (driver) => {
  let target: StoreTarget;
  let store: Store;
  const clock = new FakeClock();

  beforeAll(async () => {
    target = await createTarget(driver);
    store = await openStore({ ...target.config, clock: clock.now });
  });

  afterAll(async () => {
    await store.close();
    await target.destroy();
  });

  const save = async (vmName: string, requestedBy: string[]) => {
    clock.advance(1000);
    return store.saveSnapshot({
      runId: randomUUID(),
      vmId: `vm-${vmName}`,
      channel: 'C0INCIDENT',
      messageTs: '1764860400.000100',
      requestedBy,
      report: reportFor(vmName, `${vmName} is cut off`),
      facts: null,
    });
  };

  test('lists the runs a person asked for or joined, newest first, with the verdict, up to the limit', async () => {
    await save('web-01', ['U0ALICE']);
    await save('web-02', ['U0BOB', 'U0ALICE']);
    await save('web-03', ['U0BOB']);
    await save('web-04', ['U0ALICE1']);
    const newest = await save('web-05', ['U0ALICE']);

    const recent = await store.listRecentDiagnoses('U0ALICE', 2);
    expect(recent.map((d) => d.vmName)).toEqual(['web-05', 'web-02']);
    expect(recent[0]).toEqual({
      runId: newest.runId,
      vmId: 'vm-web-05',
      vmName: 'web-05',
      channel: 'C0INCIDENT',
      messageTs: '1764860400.000100',
      verdict: { layer: 'network', causes: ['nsg-denies-rdp'], summary: 'web-05 is cut off' },
      createdAt: newest.createdAt,
    });
    expect((await store.listRecentDiagnoses('U0ALICE', 10)).map((d) => d.vmName)).toEqual([
      'web-05',
      'web-02',
      'web-01',
    ]);
  });

  test('a string that is not a Slack user id matches nothing, wildcards included', async () => {
    await save('web-06', ['U0CAROL']);
    expect(await store.listRecentDiagnoses('%', 10)).toEqual([]);
    expect(await store.listRecentDiagnoses('U0CAR_L', 10)).toEqual([]);
  });
});
