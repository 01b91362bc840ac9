import { API_VERSIONS } from '../arm/api-versions';
import { ok, resourceNotFound } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { resourceId } from '../ids';
import type { NetworkInterface, Subnet, VirtualNetwork, World } from '../world';
import { lookup } from './lookup';

// Subnets (GET …/virtualNetworks/{vnet}/subnets/{subnet}): the address range and the NSG and route table
// attached to it, which the activity-log gatherer reads to watch the subnet's NSG too.

const VNET_TYPE = 'Microsoft.Network/virtualNetworks';

/** The network RP names a subnet's IP configurations with group, NIC and configuration in upper case. */
function ipConfigurationReference(nic: NetworkInterface): string {
  const nicId = resourceId(
    nic.subscriptionId,
    nic.resourceGroup.toUpperCase(),
    'Microsoft.Network/networkInterfaces',
    nic.name.toUpperCase(),
  );
  return `${nicId}/ipConfigurations/IPCONFIG1`;
}

function subnetJson(world: World, vnet: VirtualNetwork, subnet: Subnet) {
  const id = `${vnet.id}/subnets/${subnet.name}`;
  const nics = [...world.nics.values()].filter((nic) => nic.subnetId.toLowerCase() === id.toLowerCase());
  return {
    name: subnet.name,
    id,
    type: `${VNET_TYPE}/subnets`,
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix: subnet.addressPrefix,
      ...(subnet.nsgId ? { networkSecurityGroup: { id: subnet.nsgId } } : {}),
      ...(subnet.routeTableId ? { routeTable: { id: subnet.routeTableId } } : {}),
      ...(nics.length > 0
        ? { ipConfigurations: nics.map((nic) => ({ id: ipConfigurationReference(nic) })) }
        : {}),
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

function getSubnet(ctx: RouteContext) {
  const vnet = lookup(ctx, ctx.world.vnets, VNET_TYPE, 'virtualNetworkName');
  const name = ctx.params.subnetName;
  const subnet = vnet.subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!subnet) throw resourceNotFound(`${VNET_TYPE}/subnets`, `${vnet.name}/${name}`, vnet.resourceGroup);
  return ok(subnetJson(ctx.world, vnet, subnet));
}

export const subnetRoutes: Route[] = [
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VNET_TYPE}/{virtualNetworkName}/subnets/{subnetName}`,
    apiVersions: API_VERSIONS.network,
    handle: getSubnet,
  },
];
