import { activityLogGatherer } from '../../../src/azure/gatherers/activity-log';
import { NIC_NSG_ID, PIP_ID, RG, SUBSCRIPTION, VM_ID, context, replay, type Route } from '../arm-replay';

// Event shapes from GetActivityLogsFiltered.json (2015-04-01), and SubnetGet.json (2024-07-01) with the
// subnet's NSG attached. The VNet, and so the subnet's NSG, lives in another resource group.

const SUBNET_NSG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/networkSecurityGroups/snet-app-nsg`;
const eventsPath = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Insights/eventtypes/management/values`;
const subnetPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-app`;

function event(
  operation: string,
  resourceId: string,
  time: string,
  status = 'Succeeded',
  caller = 'alice@contoso.com',
) {
  return {
    authorization: { action: operation, scope: resourceId },
    caller,
    correlationId: `corr-${time}`,
    eventName: { value: 'EndRequest', localizedValue: 'End request' },
    id: `${resourceId}/events/44ade6b4-3813-45e6-ae27-7420a95fa2f8/ticks/635574752669792776`,
    level: 'Informational',
    operationName: { value: operation, localizedValue: operation },
    resourceId,
    status: { value: status, localizedValue: status },
    eventTimestamp: time,
    submissionTimestamp: time,
    subscriptionId: SUBSCRIPTION,
  };
}

const subnet: Route = {
  method: 'GET',
  path: subnetPath,
  body: {
    id: subnetPath,
    name: 'snet-app',
    properties: {
      addressPrefix: '10.0.1.0/24',
      networkSecurityGroup: { id: SUBNET_NSG_ID },
      provisioningState: 'Succeeded',
    },
  },
};

const vmGroup: Route = {
  method: 'GET',
  path: eventsPath,
  query: { $filter: new RegExp(`resourceGroupName eq '${RG}'`) },
  body: {
    value: [
      event(
        'Microsoft.Network/networkSecurityGroups/securityRules/write',
        `${NIC_NSG_ID}/securityRules/DenyRdp`,
        '2026-11-27T09:14:00Z',
      ),
      event('Microsoft.Compute/virtualMachines/read', VM_ID, '2026-11-27T11:00:00Z'),
      event(
        'Microsoft.Network/publicIPAddresses/write',
        PIP_ID,
        '2026-11-27T10:00:00Z',
        'Started',
        'bob@contoso.com',
      ),
      event(
        'Microsoft.Network/networkSecurityGroups/write',
        `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/other-nsg`,
        '2026-11-27T10:30:00Z',
      ),
    ],
  },
};

const networkGroup: Route = {
  method: 'GET',
  path: eventsPath,
  query: { $filter: /resourceGroupName eq 'rg-network'/ },
  body: {
    value: [
      event(
        'Microsoft.Network/networkSecurityGroups/securityRules/delete',
        `${SUBNET_NSG_ID}/securityRules/Allow-RDP`,
        '2026-11-27T11:30:00Z',
      ),
    ],
  },
};

describe('activityLogGatherer', () => {
  it("keeps writes and deletes to the VM's path from every resource group involved, newest first", async () => {
    const fake = replay([subnet, vmGroup, networkGroup]);
    const facts = await activityLogGatherer.gather(context(fake));
    expect(facts.events.map((e) => [e.operationName, e.resourceId, e.time])).toEqual([
      [
        'Microsoft.Network/networkSecurityGroups/securityRules/delete',
        `${SUBNET_NSG_ID}/securityRules/Allow-RDP`,
        '2026-11-27T11:30:00.000Z',
      ],
      ['Microsoft.Network/publicIPAddresses/write', PIP_ID, '2026-11-27T10:00:00.000Z'],
      [
        'Microsoft.Network/networkSecurityGroups/securityRules/write',
        `${NIC_NSG_ID}/securityRules/DenyRdp`,
        '2026-11-27T09:14:00.000Z',
      ],
    ]);
    expect(facts.events[1]).toEqual({
      time: '2026-11-27T10:00:00.000Z',
      operationName: 'Microsoft.Network/publicIPAddresses/write',
      resourceId: PIP_ID,
      caller: 'bob@contoso.com',
      status: 'Started',
      correlationId: 'corr-2026-11-27T10:00:00Z',
    });
  });

  it('asks for the last 24 h in the filter shape the activity log accepts, and only the fields it keeps', async () => {
    const fake = replay([subnet, vmGroup, networkGroup]);
    await activityLogGatherer.gather(context(fake));
    const queries = fake.sent.filter((s) => s.url.pathname === eventsPath).map((s) => s.url.searchParams);
    expect(queries.map((q) => q.get('$filter')).sort()).toEqual([
      "eventTimestamp ge '2026-11-26T12:00:00.000Z' and eventTimestamp le '2026-11-27T12:00:00.000Z' and resourceGroupName eq 'rg-network'",
      "eventTimestamp ge '2026-11-26T12:00:00.000Z' and eventTimestamp le '2026-11-27T12:00:00.000Z' and resourceGroupName eq 'rg-prod'",
    ]);
    expect(queries[0].get('$select')).toBe(
      'eventTimestamp,operationName,resourceId,caller,status,correlationId',
    );
  });
});
