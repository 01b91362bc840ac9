import { HEALTHY_VM, sandboxAdmin, scenarios, type SandboxAdmin } from '@rdp-doctor/azure-sandbox';
import { openStore, type Store, type Watch, type WatchAlert } from '../../src/store';
import type { AlertDetail, CheckResult, WatchPoster, WatchService } from '../../src/watch/service';
import { startFleetHarness, type FleetHarness } from '../digest/harness';
import { tempDataDir } from '../store/support';
import { nicNsgOf, nicOf, vmIdOf, watchService } from './support';

// The changes the field guide names beside a hardening deny rule, each made through the sandbox's admin API
// as a colleague would: a deleted allow rule, a route through an appliance, a released public IP, a
// deallocated VM. Each posts one alert naming the change, its author and what now stops the VM, with the
// fix the diagnosis would offer; a harmless change posts nothing; every tick stays within its call budget.

class RecordingPoster implements WatchPoster {
  readonly posted: AlertDetail[] = [];
  readonly updated: { alert: WatchAlert; detail: AlertDetail }[] = [];
  async postAlert(_watch: Watch, detail: AlertDetail): Promise<string> {
    this.posted.push(detail);
    return `1700000000.${String(this.posted.length).padStart(6, '0')}`;
  }
  async updateAlert(alert: WatchAlert, detail: AlertDetail): Promise<void> {
    this.updated.push({ alert, detail });
  }
}

let h: FleetHarness;
let store: Store;
let poster: RecordingPoster;
let watches: WatchService;
let admin: SandboxAdmin;
const ticks: CheckResult[] = [];

beforeEach(async () => {
  h = await startFleetHarness({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  store = await openStore({ dataDir: tempDataDir() });
  poster = new RecordingPoster();
  watches = watchService(h, { store, poster });
  admin = sandboxAdmin(h.sandbox);
  const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [], tags: [] };
  await store.createWatch({
    channel: 'C0WATCH04',
    scope,
    sources: await watches.defaultSources(scope),
    createdBy: 'U0ALICE',
    cursor: new Date().toISOString(),
  });
  ticks.length = 0;
  await watches.tick();
});

afterEach(async () => {
  await store.close();
  await h.sandbox.stop();
  // Every look after the first: at most 10 calls plus 2 for each change it read.
  for (const tick of ticks) expect(tick.calls).toBeLessThanOrEqual(10 + 2 * tick.changes);
});

/** Two ticks: a change is alerted within them. */
async function twoTicks(): Promise<void> {
  for (let i = 0; i < 2; i++) ticks.push(await watches.tick());
}

const flowVerifies = () => h.sandbox.requests.filter((r) => r.path.endsWith('/ipFlowVerify')).length;
const spokeTable = () =>
  [...h.sandbox.state.routeTables.values()].find((table) => table.name === 'rt-spoke-via-firewall')!;

test('a deleted allow rule: the default deny stops the VM, IP flow verify confirms it, the fix is a scoped allow; restored, it recovers', async () => {
  const nsgId = nicNsgOf(h.sandbox, HEALTHY_VM);
  const office = h.sandbox.state.nsgs.get(nsgId)!.rules.find((r) => r.name === 'Allow-RDP-FromOffice')!;
  expect(
    (await admin.deleteSecurityRule({ caller: 'carol@contoso.com', nsgId, name: 'Allow-RDP-FromOffice' }))
      .status,
  ).toBe(200);
  await twoTicks();
  expect(poster.posted).toHaveLength(1);
  const [alert] = poster.posted;
  expect(alert.what).toBe(`rule Allow-RDP-FromOffice in NSG ${nsgId.split('/').pop()} deleted`);
  expect(alert.change.caller).toBe('carol@contoso.com');
  expect(alert.machines).toEqual([
    expect.objectContaining({
      name: HEALTHY_VM,
      sources: ['203.0.113.0/24'],
      blocked: { by: 'nsg', nsgId: expect.any(String), rule: 'DenyAllInBound', jit: false },
      fix: 'nsg-allow-rdp-from-source',
      verified: true,
    }),
  ]);
  // One representative asked, once: the second tick had nothing new to ask.
  expect(flowVerifies()).toBe(1);
  expect(ticks.map((t) => t.flowChecks)).toEqual([1, 0]);

  const restored = await admin.putSecurityRule({
    caller: 'dave@contoso.com',
    nsgId,
    name: 'Allow-RDP-FromOffice',
    rule: {
      properties: {
        priority: office.priority,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefix: office.sourceAddressPrefix,
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '3389',
      },
    },
  });
  expect(restored.status).toBe(201);
  ticks.push(await watches.tick());
  expect(poster.updated.map((u) => u.detail.recovery?.cause)).toEqual([
    {
      kind: 'change',
      what: `rule Allow-RDP-FromOffice in NSG ${nsgId.split('/').pop()} written`,
      caller: 'dave@contoso.com',
      time: expect.any(String),
    },
  ]);
});

test('a route table on the subnet that changes nothing posts nothing; a route through an appliance on it cuts the VM off', async () => {
  const subnetId = nicOf(h.sandbox, HEALTHY_VM).subnetId;
  const table = spokeTable();
  // The spoke table only steers the management subnet's traffic: the office still gets its replies.
  expect(
    (await admin.setSubnetRouteTable({ caller: 'dave@contoso.com', subnetId, routeTableId: table.id }))
      .status,
  ).toBe(200);
  await twoTicks();
  expect(poster.posted).toEqual([]);

  const added = await admin.putRoute({
    caller: 'erin@contoso.com',
    routeTableId: table.id,
    name: 'default-via-firewall',
    route: {
      properties: {
        addressPrefix: '0.0.0.0/0',
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: '10.0.0.4',
      },
    },
  });
  expect(added.status).toBe(201);
  await twoTicks();
  expect(poster.posted.map((alert) => [alert.what, alert.change.caller])).toEqual([
    ['route default-via-firewall in route table rt-spoke-via-firewall written', 'erin@contoso.com'],
  ]);
  expect(poster.posted[0].machines).toEqual([
    expect.objectContaining({
      name: HEALTHY_VM,
      blocked: {
        by: 'route',
        routeTableId: expect.stringMatching(/rt-spoke-via-firewall$/i),
        route: 'default-via-firewall',
        nextHopType: 'VirtualAppliance',
        nextHopIp: '10.0.0.4',
      },
      // The appliance's policy is advice, not a button.
      fix: null,
    }),
  ]);
});

test('a released public IP cuts the VM off internet sources; the NIC write that took it off is the change named', async () => {
  const nic = nicOf(h.sandbox, HEALTHY_VM);
  expect(
    (await admin.releasePublicIp({ caller: 'frank@contoso.com', publicIpId: nic.publicIpId! })).status,
  ).toBe(200);
  await twoTicks();
  expect(poster.posted.map((alert) => [alert.what, alert.change.caller])).toEqual([
    [`NIC ${nic.name} written`, 'frank@contoso.com'],
  ]);
  expect(poster.posted[0].machines).toEqual([
    expect.objectContaining({ name: HEALTHY_VM, blocked: { by: 'public-ip' }, fix: null }),
  ]);
});

test('a deallocated VM: the alert names who deallocated it and offers to start it', async () => {
  expect(
    (await admin.deallocateVm({ caller: 'grace@contoso.com', vmId: vmIdOf(h.sandbox, HEALTHY_VM) })).status,
  ).toBe(200);
  await twoTicks();
  expect(poster.posted.map((alert) => [alert.what, alert.change.caller])).toEqual([
    [`VM ${HEALTHY_VM} deallocated`, 'grace@contoso.com'],
  ]);
  expect(poster.posted[0].machines).toEqual([
    expect.objectContaining({
      name: HEALTHY_VM,
      blocked: { by: 'power', powerState: 'deallocated' },
      fix: 'start-vm',
      verified: false,
    }),
  ]);
  // Network Watcher answers only for running machines: nothing to ask.
  expect(flowVerifies()).toBe(0);
});
