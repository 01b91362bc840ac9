import { sandboxAdmin } from '@rdp-doctor/azure-sandbox';
import { openStore, type Store, type Watch, type WatchAlert } from '../../src/store';
import type { AlertDetail, WatchPoster, WatchService } from '../../src/watch/service';
import { startFleetHarness, type FleetHarness } from '../digest/harness';
import { tempDataDir } from '../store/support';
import { denyRdpRule, watchService } from './support';

// A resource-group watch over machines whose network lives in another group, as hub-and-spoke estates
// keep it: the sandbox fleet's machines are in rg-fleet-NNN, their subnets' NSG in rg-fleet-network. A
// hardening deny there cuts the watched machines off and must be seen, for them alone.

const WATCHED = 'rg-fleet-000';
const SUBNET_NSG = 'nsg-fleet-subnets';

class RecordingPoster implements WatchPoster {
  readonly posted: AlertDetail[] = [];
  async postAlert(_watch: Watch, detail: AlertDetail): Promise<string> {
    this.posted.push(detail);
    return `1700000000.${String(this.posted.length).padStart(6, '0')}`;
  }
  async updateAlert(_alert: WatchAlert, _detail: AlertDetail): Promise<void> {}
}

let h: FleetHarness;
let store: Store;

beforeAll(async () => {
  h = await startFleetHarness({ scenarios: [], fleet: { size: 600, seed: 3 } });
  store = await openStore({ dataDir: tempDataDir() });
});

afterAll(async () => {
  await store.close();
  await h.sandbox.stop();
});

test('an rg: watch alerts on a deny added to its machines’ subnet NSG in another resource group, naming only its machines', async () => {
  const poster = new RecordingPoster();
  const watches: WatchService = watchService(h, { store, poster });
  const scope = { subscriptions: [h.sandbox.subscriptionId], resourceGroups: [WATCHED], tags: [] };
  await store.createWatch({
    channel: 'C0WATCHRG',
    scope,
    sources: ['203.0.113.0/24'],
    createdBy: 'U0ALICE',
    cursor: new Date().toISOString(),
  });
  await watches.tick();

  const nsg = [...h.sandbox.state.nsgs.values()].find((candidate) => candidate.name === SUBNET_NSG)!;
  expect(nsg.resourceGroup).not.toBe(WATCHED);
  const added = await sandboxAdmin(h.sandbox).putSecurityRule({
    caller: 'erin@contoso.com',
    nsgId: nsg.id,
    name: 'Deny-RDP-Hub-Hardening',
    rule: denyRdpRule(100),
  });
  expect(added.status).toBe(201);
  await watches.tick();
  await watches.tick();

  expect(poster.posted).toHaveLength(1);
  const [alert] = poster.posted;
  expect(alert.what).toBe(`rule Deny-RDP-Hub-Hardening in NSG ${SUBNET_NSG} written`);
  expect(alert.change.caller).toBe('erin@contoso.com');
  expect(alert.machines.length).toBeGreaterThan(0);
  expect(alert.machines.every((m) => m.resourceGroup === WATCHED)).toBe(true);
});
