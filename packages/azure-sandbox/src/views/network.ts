import { attachedNsgs, vnetPrefixesOf } from '../net/flow';
import { resourceId } from '../ids';
import { parseCidr } from '../net/ip';
import {
  DEFAULT_SECURITY_RULES,
  expandPortRange,
  expandPrefix,
  liveRules,
  rulesInForce,
  written,
} from '../net/nsg';
import type { EffectiveRoute } from '../net/routes';
import type {
  NetworkInterface,
  NetworkSecurityGroup,
  NetworkWatcher,
  PublicIp,
  SecurityRule,
  VirtualMachine,
  World,
} from '../world';

// Microsoft.Network JSON as ARM returns it (network RP examples: NetworkInterfaceGet, NetworkSecurityGroupGet,
// PublicIpAddressGet, NetworkInterfaceEffectiveNSGList, NetworkInterfaceEffectiveRouteTableList).

export function securityRuleJson(
  nsgId: string,
  rule: SecurityRule,
  provisioningState = 'Succeeded',
  kind = 'securityRules',
) {
  const properties: Partial<SecurityRule> = { ...rule };
  delete properties.name;
  delete properties.expiresAt;
  return {
    name: rule.name,
    id: `${nsgId}/${kind}/${rule.name}`,
    type: `Microsoft.Network/networkSecurityGroups/${kind}`,
    properties: { provisioningState, ...properties },
  };
}

export function nsgJson(world: World, nsg: NetworkSecurityGroup) {
  const nics = [...world.nics.values()].filter((nic) => nic.nsgId?.toLowerCase() === nsg.id.toLowerCase());
  const subnets = [...world.vnets.values()].flatMap((vnet) =>
    vnet.subnets
      .filter((subnet) => subnet.nsgId?.toLowerCase() === nsg.id.toLowerCase())
      .map((subnet) => ({ id: `${vnet.id}/subnets/${subnet.name}` })),
  );
  const now = world.now();
  return {
    name: nsg.name,
    id: nsg.id,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: nsg.location,
    properties: {
      provisioningState: 'Succeeded',
      securityRules: liveRules(nsg, now).map((rule) => securityRuleJson(nsg.id, rule)),
      defaultSecurityRules: DEFAULT_SECURITY_RULES.map((rule) =>
        securityRuleJson(nsg.id, rule, 'Succeeded', 'defaultSecurityRules'),
      ),
      ...(nics.length > 0 ? { networkInterfaces: nics.map((nic) => ({ id: nic.id })) } : {}),
      ...(subnets.length > 0 ? { subnets } : {}),
    },
  };
}

/** The network RP reports a NIC's VM with group and name in upper case: callers must compare ids case-insensitively. */
function networkRpVmReference(vm: VirtualMachine): string {
  return resourceId(
    vm.subscriptionId,
    vm.resourceGroup.toUpperCase(),
    'Microsoft.Compute/virtualMachines',
    vm.name.toUpperCase(),
  );
}

export function nicJson(world: World, nic: NetworkInterface) {
  const vm = world.vmOf(nic);
  return {
    name: nic.name,
    id: nic.id,
    type: 'Microsoft.Network/networkInterfaces',
    location: nic.location,
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          name: 'ipconfig1',
          id: `${nic.id}/ipConfigurations/ipconfig1`,
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: nic.privateIp,
            privateIPAllocationMethod: 'Dynamic',
            ...(nic.publicIpId ? { publicIPAddress: { id: nic.publicIpId } } : {}),
            subnet: { id: nic.subnetId },
            primary: true,
            privateIPAddressVersion: 'IPv4',
          },
        },
      ],
      dnsSettings: { dnsServers: [], appliedDnsServers: [] },
      macAddress: nic.macAddress,
      enableAcceleratedNetworking: true,
      enableIPForwarding: false,
      ...(nic.nsgId ? { networkSecurityGroup: { id: nic.nsgId } } : {}),
      primary: nic.primary,
      ...(vm ? { virtualMachine: { id: networkRpVmReference(vm) } } : {}),
      nicType: 'Standard',
    },
  };
}

export function publicIpJson(ip: PublicIp, provisioningState = 'Succeeded') {
  return {
    name: ip.name,
    id: ip.id,
    type: 'Microsoft.Network/publicIPAddresses',
    location: ip.location,
    sku: { name: ip.sku, tier: 'Regional' },
    properties: {
      provisioningState,
      ...(ip.ipAddress ? { ipAddress: ip.ipAddress } : {}),
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: ip.allocation,
      idleTimeoutInMinutes: 4,
      ...(ip.domainNameLabel
        ? {
            dnsSettings: {
              domainNameLabel: ip.domainNameLabel,
              fqdn: `${ip.domainNameLabel}.${ip.location}.cloudapp.azure.com`,
            },
          }
        : {}),
      ipTags: [],
      ...(ip.nicId ? { ipConfiguration: { id: `${ip.nicId}/ipConfigurations/ipconfig1` } } : {}),
    },
  };
}

export function watcherJson(watcher: NetworkWatcher) {
  return {
    name: watcher.name,
    id: watcher.id,
    type: 'Microsoft.Network/networkWatchers',
    location: watcher.location,
    properties: { provisioningState: 'Succeeded' },
  };
}

function isTag(prefix: string): boolean {
  return prefix !== '*' && parseCidr(prefix) === null;
}

/** One rule as effective rules print it: `*` as 0.0.0.0/0 and 0-65535, tags kept with their expansion. */
function effectiveRuleJson(
  name: string,
  rule: SecurityRule,
  vnetPrefixes: string[],
  tagMap: Record<string, string[]>,
) {
  const address = (field: 'sourceAddress' | 'destinationAddress') => {
    const prefixes = written(rule, field);
    const shown = prefixes.map((prefix) =>
      isTag(prefix) ? prefix : (expandPrefix(prefix, vnetPrefixes)[0] ?? prefix),
    );
    const tags = prefixes.filter(isTag);
    for (const tag of tags) tagMap[tag] = expandPrefix(tag, vnetPrefixes);
    const expanded = tags.flatMap((tag) => tagMap[tag]);
    return {
      ...(shown.length === 1 ? { [`${field}Prefix`]: shown[0] } : { [`${field}Prefixes`]: shown }),
      ...(expanded.length > 0
        ? { [`expanded${field[0].toUpperCase()}${field.slice(1)}Prefix`]: expanded }
        : {}),
    };
  };
  const ports = (field: 'sourcePort' | 'destinationPort') => {
    const ranges = written(rule, field).map(expandPortRange);
    return ranges.length === 1 ? { [`${field}Range`]: ranges[0] } : { [`${field}Ranges`]: ranges };
  };
  return {
    name,
    protocol: rule.protocol === '*' ? 'All' : rule.protocol,
    ...ports('sourcePort'),
    ...ports('destinationPort'),
    ...address('sourceAddress'),
    ...address('destinationAddress'),
    access: rule.access,
    priority: rule.priority,
    direction: rule.direction,
  };
}

export function effectiveNsgListJson(world: World, nic: NetworkInterface) {
  const vnetPrefixes = vnetPrefixesOf(world, nic);
  return {
    value: attachedNsgs(world, nic).map(({ scope, nsg }) => {
      const tagMap: Record<string, string[]> = {};
      const effectiveSecurityRules = rulesInForce(nsg, world.now()).map(({ name, rule }) =>
        effectiveRuleJson(name, rule, vnetPrefixes, tagMap),
      );
      return {
        networkSecurityGroup: { id: nsg.id },
        association:
          scope === 'nic' ? { networkInterface: { id: nic.id } } : { subnet: { id: nic.subnetId } },
        effectiveSecurityRules,
        tagMap: JSON.stringify(tagMap),
      };
    }),
  };
}

export function effectiveRouteListJson(routes: EffectiveRoute[]) {
  return {
    value: routes.map((route) => ({
      ...(route.name ? { name: route.name } : {}),
      disableBgpRoutePropagation: false,
      source: route.source,
      state: route.state,
      addressPrefix: route.addressPrefix,
      nextHopIpAddress: route.nextHopIpAddress,
      nextHopType: route.nextHopType,
    })),
  };
}
