import { SYMPTOMS } from '../../src/diagnosis/facts';
import { CAUSE_IDS } from '../../src/diagnosis/ids';
import {
  buildWorld,
  OTHER_SUBSCRIPTION_ID,
  SANDBOX_SUBSCRIPTION_ID,
} from '@rdp-doctor/azure-sandbox/build-world';
import { parseIpv4 } from '@rdp-doctor/azure-sandbox/net/ip';
import { scenarios } from '@rdp-doctor/azure-sandbox';

// The scenario catalogue as data: one VM per cause id, named by it, each with a request that demonstrates it.

test('every cause id has exactly one scenario VM named by it', () => {
  for (const cause of CAUSE_IDS) {
    const matching = scenarios.filter((s) => s.cause === cause);
    expect(matching.map((s) => s.name)).toEqual([cause]);
  }
});

test('scenario names are unique and requests are well formed', () => {
  expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  for (const { request } of scenarios) {
    expect(SYMPTOMS).toContain(request.symptom);
    if (request.source !== null) expect(parseIpv4(request.source)).not.toBeNull();
  }
});

test('the world holds every scenario VM where its placements say, with its network', () => {
  const world = buildWorld(scenarios);
  const primary = world.vms
    .inSubscription(SANDBOX_SUBSCRIPTION_ID)
    .map((vm) => `${vm.resourceGroup}/${vm.name}`);
  expect(primary).toEqual(
    expect.arrayContaining(['rg-sandbox/vm-dup', 'rg-sandbox-2/vm-dup', 'rg-sandbox/vm-healthy']),
  );
  expect(world.vms.inSubscription(OTHER_SUBSCRIPTION_ID).map((vm) => vm.name)).toEqual(['vm-other-sub']);
  for (const vm of world.vms.values()) {
    const [nic] = world.nicsOf(vm);
    expect(world.subnet(nic.subnetId)).toBeDefined();
    expect(nic.privateIp).toMatch(/^10\.0\.\d+\.\d+$/);
  }
  // Each subscription has its own vnet; within one, no two NICs share an address.
  const addresses = [...world.nics.values()].map((nic) => `${nic.subnetId}|${nic.privateIp}`);
  expect(new Set(addresses).size).toBe(addresses.length);
});
