import { affectedMachines, describeChange, touchesPath, type ResourceChange } from '../../src/watch/changes';
import { allowedSources, cutOffs, pairOf, reachablePairs, recovered } from '../../src/watch/reachability';
import {
  NIC_NSG_ID,
  OFFICE,
  SUBNET_ID,
  VM_ID,
  healthyRow,
  machineFrom,
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
