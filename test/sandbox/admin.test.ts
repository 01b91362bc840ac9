import { HEALTHY_VM, sandboxAdmin, scenarios, type SandboxAdmin } from '@rdp-doctor/azure-sandbox';
import { readChanges } from '../../src/azure/watch-changes';
import { RG, startHarness, type Harness } from './harness';

// The sandbox's admin API (docs/sandbox.md): each change a colleague could make in the portal lands at
// once and shows in the activity log, read through the real SDK, with its caller and its time.

let h: Harness;
let admin: SandboxAdmin;
beforeAll(async () => {
  h = await startHarness({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  admin = sandboxAdmin(h.sandbox);
});
afterAll(async () => {
  await h.sandbox.stop();
});

const vm = () => [...h.sandbox.state.vms.values()].find((candidate) => candidate.name === HEALTHY_VM)!;
const nic = () => h.sandbox.state.nics.get(vm().nicIds[0])!;
const spokeTable = () =>
  [...h.sandbox.state.routeTables.values()].find((table) => table.name === 'rt-spoke-via-firewall')!;

/** The activity log's events from `since` on, as the watch reads them: caller, operation, resource, time. */
/** Changes made within the same millisecond come back in either order: callers compare them as a set. */
async function loggedSince(since: Date) {
  const { changes } = await readChanges(
    h.clients,
    [h.sandbox.subscriptionId],
    [],
    since,
    new Date(Date.now() + 1000),
  );
  return changes.map((c) => ({
    caller: c.caller,
    operation: c.operationName,
    resource: c.resourceId,
    time: c.time,
  }));
}

test('deleting an allow rule is logged under its caller, at the time it happened', async () => {
  const since = new Date();
  const nsgId = nic().nsgId!;
  const deleted = await admin.deleteSecurityRule({
    caller: 'carol@contoso.com',
    nsgId,
    name: 'Allow-RDP-FromOffice',
  });
  expect(deleted.status).toBe(200);
  expect(h.sandbox.state.nsgs.get(nsgId)!.rules.map((r) => r.name)).not.toContain('Allow-RDP-FromOffice');
  const [event] = await loggedSince(since);
  expect(event).toEqual({
    caller: 'carol@contoso.com',
    operation: 'Microsoft.Network/networkSecurityGroups/securityRules/delete',
    resource: `${nsgId}/securityRules/Allow-RDP-FromOffice`,
    time: expect.any(String),
  });
  expect(Date.parse(event.time)).toBeGreaterThanOrEqual(since.getTime());
  expect(
    (await admin.deleteSecurityRule({ caller: 'carol@contoso.com', nsgId, name: 'Allow-RDP-FromOffice' }))
      .status,
  ).toBe(404);
});

test('a route through an appliance, and a route table put on a subnet, are logged under their callers', async () => {
  const since = new Date();
  const table = spokeTable();
  const subnetId = nic().subnetId;
  expect(
    (await admin.setSubnetRouteTable({ caller: 'dave@contoso.com', subnetId, routeTableId: table.id }))
      .status,
  ).toBe(200);
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
  expect(h.sandbox.state.subnet(subnetId)?.subnet.routeTableId).toBe(table.id);
  const logged = await loggedSince(since);
  expect(logged).toHaveLength(2);
  expect(logged).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        caller: 'dave@contoso.com',
        operation: 'Microsoft.Network/virtualNetworks/subnets/write',
        resource: expect.stringMatching(/\/subnets\/snet-app$/),
      }),
      expect.objectContaining({
        caller: 'erin@contoso.com',
        operation: 'Microsoft.Network/routeTables/routes/write',
        resource: `${table.id}/routes/default-via-firewall`,
      }),
    ]),
  );
  // An appliance route needs the appliance's address; other hops take none.
  const refused = await admin.putRoute({
    caller: 'erin@contoso.com',
    routeTableId: table.id,
    name: 'nowhere',
    route: { properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance' } },
  });
  expect(refused).toEqual({
    status: 400,
    body: { error: expect.objectContaining({ code: 'InvalidRequestFormat' }) },
  });
  await admin.setSubnetRouteTable({ caller: 'dave@contoso.com', subnetId, routeTableId: null });
  expect(h.sandbox.state.subnet(subnetId)?.subnet.routeTableId).toBeNull();
});

test('releasing a public IP takes it off the NIC and deletes it; deallocating stops the VM; both logged under their callers', async () => {
  const since = new Date();
  const nicId = nic().id;
  const publicIpId = nic().publicIpId!;
  expect((await admin.releasePublicIp({ caller: 'frank@contoso.com', publicIpId })).status).toBe(200);
  expect(nic().publicIpId).toBeNull();
  expect(h.sandbox.state.publicIps.get(publicIpId)).toBeUndefined();
  expect((await admin.deallocateVm({ caller: 'grace@contoso.com', vmId: vm().id })).status).toBe(200);
  expect(vm().powerState).toBe('deallocated');
  const logged = await loggedSince(since);
  expect(logged).toHaveLength(3);
  expect(logged).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        caller: 'frank@contoso.com',
        operation: 'Microsoft.Network/networkInterfaces/write',
        resource: nicId,
      }),
      expect.objectContaining({
        caller: 'frank@contoso.com',
        operation: 'Microsoft.Network/publicIPAddresses/delete',
        resource: publicIpId,
      }),
      expect.objectContaining({
        caller: 'grace@contoso.com',
        operation: 'Microsoft.Compute/virtualMachines/deallocate/action',
        resource: vm().id,
      }),
    ]),
  );
  const vmRead = await h.sub.compute.virtualMachines.instanceView(RG, HEALTHY_VM);
  expect(vmRead.statuses?.map((s) => s.code)).toContain('PowerState/deallocated');
});

test('a change without a sign-in name as its caller, or naming nothing that exists, is refused', async () => {
  expect((await admin.deallocateVm({ caller: 'not a person', vmId: vm().id })).status).toBe(400);
  expect(
    (
      await admin.releasePublicIp({
        caller: 'frank@contoso.com',
        publicIpId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/publicIPAddresses/none',
      })
    ).status,
  ).toBe(404);
});
