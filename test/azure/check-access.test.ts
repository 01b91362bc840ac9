import fs from 'node:fs';
import path from 'node:path';
import { checkAccess, renderAccess } from '../../src/azure/check-access';
import { grants } from '../../src/azure/permissions';
import { startHarness } from '../sandbox/harness';
import { replay } from './arm-replay';

// check-access asks Azure what the identity may do in each resource group rdp-doctor acts in
// (Microsoft.Authorization/permissions) and names each missing action with the role that grants it.
// The machine and its network come from the REST specs' own examples.

const SPECS = path.join(__dirname, '../fixtures/rest-specs/specification');
const example = (file: string) =>
  (JSON.parse(fs.readFileSync(path.join(SPECS, file), 'utf8')) as { responses: { 200: { body: unknown } } })
    .responses[200].body;
const VM_EXAMPLE =
  'compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2025-04-01/examples/virtualMachineExamples/VirtualMachine_Get.json';
const NIC_EXAMPLE =
  'network/resource-manager/Microsoft.Network/Network/stable/2025-05-01/examples/NetworkInterfaceGet.json';
const WATCHERS_EXAMPLE =
  'network/resource-manager/Microsoft.Network/Network/stable/2025-05-01/examples/NetworkWatcherListAll.json';

const permissions = (group: string, value: unknown[]) => ({
  method: 'GET' as const,
  path: new RegExp(`/resourceGroups/${group}/providers/Microsoft\\.Authorization/permissions$`, 'i'),
  query: { 'api-version': /^2022-04-01$/ },
  body: { value },
});

describe('grants', () => {
  it("matches Azure's wildcards in any case and lets notActions take an action back", () => {
    const reader = [{ actions: ['*/read'], notActions: [] }];
    expect(grants(reader, 'Microsoft.Insights/Metrics/Read')).toBe(true);
    expect(grants(reader, 'Microsoft.Compute/virtualMachines/runCommand/action')).toBe(false);
    const network = [
      { actions: ['Microsoft.Network/*'], notActions: ['Microsoft.Network/networkWatchers/*/action'] },
    ];
    expect(grants(network, 'Microsoft.Network/networkInterfaces/effectiveRouteTable/action')).toBe(true);
    expect(grants(network, 'Microsoft.Network/networkWatchers/nextHop/action')).toBe(false);
    // Another assignment granting it restores it: roles add up.
    expect(grants([...network, { actions: ['*'] }], 'Microsoft.Network/networkWatchers/nextHop/action')).toBe(
      true,
    );
  });
});

describe('checkAccess', () => {
  it('names what Reader lacks on the VM and what a notAction takes from the network group, with the role to assign', async () => {
    const fake = replay([
      { method: 'GET', path: /\/virtualMachines\/[^/]+$/i, body: example(VM_EXAMPLE) },
      { method: 'GET', path: /\/networkInterfaces\/[^/]+$/i, body: example(NIC_EXAMPLE) },
      {
        method: 'GET',
        path: /\/providers\/Microsoft\.Network\/networkWatchers$/i,
        body: example(WATCHERS_EXAMPLE),
      },
      permissions('myResourceGroup', [
        { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] },
      ]),
      permissions('rg1', [
        {
          actions: ['Microsoft.Network/*'],
          notActions: ['Microsoft.Network/networkWatchers/nextHop/action'],
        },
      ]),
    ]);
    const vm = {
      id: '/subscriptions/s/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM',
      name: 'myVM',
      resourceGroup: 'myResourceGroup',
      subscriptionId: fake.sub.subscriptionId,
      location: 'westus',
    };
    const report = await checkAccess({ clients: fake.clients, sub: fake.sub, vm });
    expect(report.missing.map((m) => [m.resourceGroup, m.role, m.action])).toEqual([
      [
        'myResourceGroup',
        'rdp-doctor-diagnose',
        'Microsoft.Compute/virtualMachines/retrieveBootDiagnosticsData/action',
      ],
      ['myResourceGroup', 'rdp-doctor-diagnose', 'Microsoft.Compute/virtualMachines/runCommand/action'],
      ['myResourceGroup', 'rdp-doctor-fix', 'Microsoft.Compute/virtualMachines/start/action'],
      ['myResourceGroup', 'rdp-doctor-fix', 'Microsoft.Compute/virtualMachines/restart/action'],
      ['myResourceGroup', 'rdp-doctor-fix', 'Microsoft.Compute/virtualMachines/extensions/write'],
      [
        'myResourceGroup',
        'rdp-doctor-fix',
        'Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action',
      ],
      ['rg1', 'rdp-doctor-diagnose', 'Microsoft.Network/networkWatchers/nextHop/action'],
    ]);
    // Only reads: the VM, its NIC, the watcher list and the two permission lists.
    expect(fake.sent.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'GET']);
    const text = renderAccess(report, fake.sub.subscriptionId);
    expect(text).toContain('Missing in myResourceGroup, granted by role rdp-doctor-diagnose:');
    expect(text).toContain(
      `az role assignment create --assignee <principal-id> --role rdp-doctor-fix --scope /subscriptions/${fake.sub.subscriptionId}/resourceGroups/myResourceGroup`,
    );
  });

  it('treats a 403 on the permissions list as nothing granted in that group', async () => {
    const fake = replay([
      {
        method: 'GET',
        path: /\/providers\/Microsoft\.Network\/networkWatchers$/i,
        body: example(WATCHERS_EXAMPLE),
      },
      {
        method: 'GET',
        path: /\/Microsoft\.Authorization\/permissions$/i,
        status: 403,
        body: { error: { code: 'AuthorizationFailed', message: 'no access' } },
      },
    ]);
    const report = await checkAccess({ clients: fake.clients, sub: fake.sub, vm: null });
    expect(report.missing.map((m) => m.action)).toEqual([
      'Microsoft.Network/networkWatchers/read',
      'Microsoft.Network/networkWatchers/ipFlowVerify/action',
      'Microsoft.Network/networkWatchers/nextHop/action',
    ]);
    expect(report.notes).toEqual([expect.stringContaining('--vm')]);
  });

  it('finds nothing missing in the sandbox, whose token may do everything', async () => {
    const h = await startHarness();
    try {
      const vm = {
        id: `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/rg-sandbox/providers/Microsoft.Compute/virtualMachines/vm-healthy`,
        name: 'vm-healthy',
        resourceGroup: 'rg-sandbox',
        subscriptionId: h.sandbox.subscriptionId,
        location: 'westeurope',
      };
      const report = await checkAccess({ clients: h.clients, sub: h.sub, vm });
      expect(report.missing).toEqual([]);
      expect(report.checked.flatMap((c) => c.holds).sort()).toEqual(
        ['network-watcher', 'nic', 'nsg', 'public-ip', 'vm', 'vnet'].sort(),
      );
      expect(h.sandbox.writes()).toEqual([]);
    } finally {
      await h.sandbox.stop();
    }
  });
});
