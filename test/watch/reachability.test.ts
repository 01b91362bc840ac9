import {
  affectedMachines,
  describeChange,
  touchedResources,
  touchesPath,
  type ResourceChange,
} from '../../src/watch/changes';
import {
  allowedSources,
  blockedBy,
  cutOffs,
  fixFor,
  mergePairs,
  pairOf,
  reachablePairs,
  recovered,
} from '../../src/watch/reachability';
import { flowQuestions, verdictsBy } from '../../src/watch/verify';
import {
  NIC_NSG_ID,
  OFFICE,
  ROUTE_TABLE_ID,
  SUB,
  SUBNET_ID,
  VM_ID,
  healthyRow,
  machineFrom,
  officeRdp,
  ruleRow,
  withPublicIp,
} from '../digest/support';

// The watch's pure rules: which writes touch a path and which machines, who reaches what, and which change
// cut whom off.

const change = (
  operationName: string,
  resourceId: string,
  time = '2026-03-04T09:01:00.000Z',
): ResourceChange => ({
  changeId: `${operationName}@${time}`,
  time,
  operationName,
  resourceId,
  caller: 'alice@contoso.com',
});

const other = () =>
  machineFrom({
    ...healthyRow(),
    id: VM_ID.replace('vm-web-01', 'vm-web-02'),
    name: 'vm-web-02',
    nicNsgId: '',
    subnetId: '',
  });

test('writes to rules, NICs, subnets, public IPs, power and JIT touch a path; a tag write or a failed extension does not', () => {
  expect(
    touchesPath(
      change('Microsoft.Network/networkSecurityGroups/securityRules/write', `${NIC_NSG_ID}/securityRules/x`),
    ),
  ).toBe(true);
  expect(touchesPath(change('Microsoft.Compute/virtualMachines/deallocate/action', VM_ID))).toBe(true);
  expect(touchesPath(change('Microsoft.Network/virtualNetworks/subnets/write', SUBNET_ID))).toBe(true);
  expect(touchesPath(change('Microsoft.Resources/tags/write', VM_ID))).toBe(false);
  expect(
    touchesPath(change('Microsoft.Compute/virtualMachines/extensions/write', `${VM_ID}/extensions/x`)),
  ).toBe(false);
});

test('a rule write touches the machines behind its NSG, a subnet write the machines in the subnet, and nobody else', () => {
  const machines = [machineFrom(healthyRow()), other()];
  const rule = change(
    'Microsoft.Network/networkSecurityGroups/securityRules/write',
    `${NIC_NSG_ID}/securityRules/Deny-All`,
  );
  expect(affectedMachines(rule, machines).map((m) => m.name)).toEqual(['vm-web-01']);
  const subnet = change('Microsoft.Network/virtualNetworks/subnets/write', SUBNET_ID);
  expect(affectedMachines(subnet, machines).map((m) => m.name)).toEqual(['vm-web-01']);
  expect(describeChange(rule)).toBe('rule Deny-All in NSG vm-web-01-nsg written');
  expect(
    describeChange(change('Microsoft.Compute/virtualMachines/deallocate/action', `${VM_ID}/deallocate`)),
  ).toBe('VM vm-web-01 deallocated');
});

test('the default sources are what the allow rules for 3389 name; a deallocated VM or a released public IP reaches nobody', () => {
  const running = machineFrom(withPublicIp(healthyRow()));
  expect(allowedSources([running])).toEqual([OFFICE]);
  expect(reachablePairs([running], [OFFICE])).toEqual([pairOf(VM_ID, OFFICE)]);
  expect(reachablePairs([{ ...running, powerState: 'deallocated' }], [OFFICE])).toEqual([]);
  expect(
    reachablePairs([{ ...running, publicIp: { ...running.publicIp!, address: null } }], [OFFICE]),
  ).toEqual([]);
});

test('a lost pair goes to the latest change that touches its machine; a change that cut nothing off is absent', () => {
  const before = machineFrom(withPublicIp(healthyRow()));
  const denied = machineFrom({
    ...withPublicIp(healthyRow()),
    nicNsgRules: [
      ruleRow({ name: 'Deny-RDP', priority: 100, access: 'Deny', source: '*', port: '3389' }),
      ...healthyRow().nicNsgRules!,
    ],
  });
  const harmless = change(
    'Microsoft.Network/virtualNetworks/subnets/write',
    SUBNET_ID,
    '2026-03-04T09:00:30.000Z',
  );
  const breaking = change(
    'Microsoft.Network/networkSecurityGroups/securityRules/write',
    `${NIC_NSG_ID}/securityRules/Deny-RDP`,
  );
  const was = reachablePairs([before], [OFFICE]);
  expect(was).toHaveLength(1);
  const now = reachablePairs([denied], [OFFICE]);
  expect(cutOffs(was, now, [breaking, harmless], [denied])).toEqual([
    { change: breaking, pairs: [pairOf(VM_ID, OFFICE)] },
  ]);
  expect(cutOffs(was, was, [breaking], [before])).toEqual([]);
  expect(recovered([pairOf(VM_ID, OFFICE)], now)).toBe(false);
  expect(recovered([pairOf(VM_ID, OFFICE)], was)).toBe(true);
});

const route = (name: string, addressPrefix: string, nextHopType: string, nextHopIpAddress?: string) => ({
  name,
  properties: { addressPrefix, nextHopType, ...(nextHopIpAddress ? { nextHopIpAddress } : {}) },
});

describe('route tables', () => {
  const viaFirewall = [route('default-via-firewall', '0.0.0.0/0', 'VirtualAppliance', '10.1.0.100')];

  test("a route write touches the machines whose subnet uses the table; the table's subnets are the reader's to find", () => {
    const inTable = machineFrom(withPublicIp(healthyRow()), { routes: [] });
    const elsewhere = other();
    const write = change(
      'Microsoft.Network/routeTables/routes/write',
      `${ROUTE_TABLE_ID}/routes/default-via-firewall`,
    );
    expect(affectedMachines(write, [inTable, elsewhere]).map((m) => m.name)).toEqual(['vm-web-01']);
    expect(touchedResources([write])).toMatchObject({ routeTableIds: [ROUTE_TABLE_ID], vmIds: [] });
    expect(describeChange(write)).toBe('route default-via-firewall in route table rt-web written');
  });

  test('replies to an internet source sent to an appliance cut a machine with a public IP off; a route for a private range does not', () => {
    const asymmetric = machineFrom(withPublicIp(healthyRow()), { routes: viaFirewall });
    expect(blockedBy(asymmetric, OFFICE)).toEqual({
      by: 'route',
      routeTableId: ROUTE_TABLE_ID,
      route: 'default-via-firewall',
      nextHopType: 'VirtualAppliance',
      nextHopIp: '10.1.0.100',
    });
    expect(fixFor(blockedBy(asymmetric, OFFICE)!)).toBeNull();
    // Inside the virtual network the system route (10.1.0.0/16, VnetLocal) is more specific than 0.0.0.0/0.
    expect(blockedBy(asymmetric, '10.1.2.0/24')).toBeNull();
    const onlyPrivate = machineFrom(withPublicIp(healthyRow()), {
      routes: [route('mgmt-via-firewall', '10.1.2.0/24', 'VirtualAppliance', '10.1.0.100')],
    });
    expect(blockedBy(onlyPrivate, OFFICE)).toBeNull();
    expect(blockedBy(onlyPrivate, '10.1.2.0/24')).toMatchObject({ by: 'route', route: 'mgmt-via-firewall' });
    const internet = machineFrom(withPublicIp(healthyRow()), {
      routes: [route('default-out', '0.0.0.0/0', 'Internet')],
    });
    expect(blockedBy(internet, OFFICE)).toBeNull();
  });
});

test('a JIT policy touches the machines of its resource group in its region only', () => {
  const here = machineFrom(withPublicIp(healthyRow()));
  const otherRegion = {
    ...machineFrom(withPublicIp(healthyRow())),
    name: 'vm-web-nl',
    location: 'northeurope',
  };
  const policy = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Security/locations/westeurope/jitNetworkAccessPolicies/default`;
  const write = change('Microsoft.Security/locations/jitNetworkAccessPolicies/write', policy);
  expect(affectedMachines(write, [here, otherRegion]).map((m) => m.name)).toEqual(['vm-web-01']);
  expect(touchedResources([write]).resourceGroups).toEqual(['rg-web']);
  const initiate = change('Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action', policy);
  expect(describeChange(initiate)).toBe('JIT access requested through policy default');
});

test('what blocks a pair names its fix: a stopped VM is started, an NSG deny gets a scoped allow, a JIT rule a JIT request', () => {
  const running = machineFrom(withPublicIp(healthyRow()));
  expect(fixFor(blockedBy({ ...running, powerState: 'deallocated' }, OFFICE)!)).toBe('start-vm');
  const denied = machineFrom({
    ...withPublicIp(healthyRow()),
    nicNsgRules: [
      ruleRow({ name: 'Deny-RDP', priority: 200, access: 'Deny', source: '*', port: '3389' }),
      officeRdp(),
    ],
  });
  expect(blockedBy(denied, OFFICE)).toEqual({ by: 'nsg', nsgId: NIC_NSG_ID, rule: 'Deny-RDP', jit: false });
  expect(fixFor(blockedBy(denied, OFFICE)!)).toBe('nsg-allow-rdp-from-source');
  const jit = machineFrom({
    ...withPublicIp(healthyRow()),
    nicNsgRules: [
      ruleRow({
        name: 'SecurityCenter-JITRule_1_abc',
        priority: 1000,
        access: 'Deny',
        source: '*',
        port: '3389',
      }),
    ],
  });
  expect(fixFor(blockedBy(jit, OFFICE)!)).toBe('jit-request-access');
  expect(blockedBy(machineFrom(healthyRow()), OFFICE)).toEqual({ by: 'public-ip' });
  // Network Watcher's answer decides the NSG layer over the rules the inventory read.
  expect(blockedBy(denied, OFFICE, { access: 'Allow', rule: 'securityRules/Allow-Office' })).toBeNull();
  expect(blockedBy(running, OFFICE, { access: 'Deny', rule: 'securityRules/Deny-New' })).toEqual({
    by: 'nsg',
    nsgId: null,
    rule: 'Deny-New',
    jit: false,
  });
});

describe('IP flow verify questions', () => {
  const twin = (name: string, row = withPublicIp(healthyRow())) =>
    machineFrom({ ...row, id: VM_ID.replace('vm-web-01', name), name });
  const deny = ruleRow({ name: 'Deny-RDP', priority: 200, access: 'Deny', source: '*', port: '3389' });
  const deniedRow = () => ({ ...withPublicIp(healthyRow()), nicNsgRules: [deny, officeRdp()] });

  test('one representative per NSG pair and verdict, only where a pair would flip, largest group first, within the limit', () => {
    const flipped = ['vm-b', 'vm-a', 'vm-c'].map((name) => twin(name, deniedRow()));
    const steady = twin('vm-steady', { ...withPublicIp(healthyRow()), nicNsgId: 'other-nsg' });
    const before = new Set([...flipped, steady].map((m) => pairOf(m.id, OFFICE)));
    const questions = flowQuestions([...flipped, steady], [OFFICE], before, 2);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ source: OFFICE, covers: 3 });
    expect(questions[0].machine.name).toBe('vm-a');
    expect(flowQuestions([...flipped, steady], [OFFICE], before, 0)).toEqual([]);
    // Stopped machines and missing public IPs are not NSG questions.
    const stopped = { ...twin('vm-off'), powerState: 'deallocated' };
    expect(flowQuestions([stopped], [OFFICE], new Set([pairOf(stopped.id, OFFICE)]), 5)).toEqual([]);
  });

  test("the answer stands for its group's machines: an allow Azure gives overrules the rules' deny", () => {
    const flipped = ['vm-a', 'vm-b'].map((name) => twin(name, deniedRow()));
    const before = new Set(flipped.map((m) => pairOf(m.id, OFFICE)));
    const [question] = flowQuestions(flipped, [OFFICE], before, 1);
    const answers = new Map([
      [question.key, { access: 'Allow' as const, rule: 'securityRules/Allow-Office' }],
    ]);
    expect(reachablePairs(flipped, [OFFICE], verdictsBy(answers))).toEqual([...before]);
    expect(reachablePairs(flipped, [OFFICE])).toEqual([]);
  });

  test('a look at a few machines keeps the pairs of the others', () => {
    const a = twin('vm-a');
    const b = twin('vm-b');
    const before = [pairOf(a.id, OFFICE), pairOf(b.id, OFFICE)];
    expect(mergePairs(before, [a], [])).toEqual([pairOf(b.id, OFFICE)]);
  });
});
