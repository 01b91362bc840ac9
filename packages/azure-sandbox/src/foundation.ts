import { resourceId } from './ids';
import { officeRules } from './scenarios/healthy';
import type { World } from './world';

// The shared network every sandbox VM lives in, per subscription: one vnet whose subnets carry the
// variations the network scenarios need (a route table through a firewall, a subnet without an NSG), the
// subnet NSG that admits RDP and SSH from the office range, and a Network Watcher for the region.

export const LOCATION = 'westeurope';
export const RESOURCE_GROUP = 'rg-sandbox';
export const SECOND_RESOURCE_GROUP = 'rg-sandbox-2';
export const WATCHER_RESOURCE_GROUP = 'NetworkWatcherRG';
export const VNET_NAME = 'vnet-sandbox';
export const FIREWALL_IP = '10.0.0.4';
/** A jump host's address in the management subnet: a private source whose path the spoke routes via the firewall. */
export const JUMP_HOST_IP = '10.0.2.10';

export function subnetId(subscriptionId: string, subnet: string): string {
  return `${resourceId(subscriptionId, RESOURCE_GROUP, 'Microsoft.Network/virtualNetworks', VNET_NAME)}/subnets/${subnet}`;
}

export function addFoundation(world: World, subscriptionId: string): void {
  for (const group of [RESOURCE_GROUP, SECOND_RESOURCE_GROUP, WATCHER_RESOURCE_GROUP]) {
    world.addResourceGroup(subscriptionId, group);
  }
  const common = { resourceGroup: RESOURCE_GROUP, subscriptionId, location: LOCATION };
  const id = (type: string, name: string) => resourceId(subscriptionId, RESOURCE_GROUP, type, name);

  const subnetNsg = world.nsgs.set({
    ...common,
    id: id('Microsoft.Network/networkSecurityGroups', 'snet-app-nsg'),
    name: 'snet-app-nsg',
    rules: officeRules(),
  });
  const spokeRoutes = world.routeTables.set({
    ...common,
    id: id('Microsoft.Network/routeTables', 'rt-spoke-via-firewall'),
    name: 'rt-spoke-via-firewall',
    routes: [
      {
        name: 'mgmt-via-firewall',
        addressPrefix: '10.0.2.0/24',
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: FIREWALL_IP,
      },
    ],
  });
  const egressRoutes = world.routeTables.set({
    ...common,
    id: id('Microsoft.Network/routeTables', 'rt-egress-via-firewall'),
    name: 'rt-egress-via-firewall',
    routes: [
      {
        name: 'default-via-firewall',
        addressPrefix: '0.0.0.0/0',
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: FIREWALL_IP,
      },
    ],
  });
  const subnet = (
    name: string,
    addressPrefix: string,
    nsgId: string | null,
    routeTableId: string | null,
  ) => ({
    name,
    addressPrefix,
    nsgId,
    routeTableId,
    nextHost: 4,
  });
  world.vnets.set({
    ...common,
    id: id('Microsoft.Network/virtualNetworks', VNET_NAME),
    name: VNET_NAME,
    addressPrefixes: ['10.0.0.0/16'],
    subnets: [
      subnet('AzureFirewallSubnet', '10.0.0.0/26', null, null),
      subnet('snet-app', '10.0.1.0/24', subnetNsg.id, null),
      subnet('snet-mgmt', '10.0.2.0/24', subnetNsg.id, null),
      subnet('snet-spoke', '10.0.3.0/24', subnetNsg.id, spokeRoutes.id),
      subnet('snet-egress', '10.0.4.0/24', subnetNsg.id, egressRoutes.id),
      subnet('snet-dmz', '10.0.5.0/24', null, null),
    ],
  });
  world.watchers.set({
    id: resourceId(
      subscriptionId,
      WATCHER_RESOURCE_GROUP,
      'Microsoft.Network/networkWatchers',
      `NetworkWatcher_${LOCATION}`,
    ),
    name: `NetworkWatcher_${LOCATION}`,
    resourceGroup: WATCHER_RESOURCE_GROUP,
    subscriptionId,
    location: LOCATION,
  });
}
