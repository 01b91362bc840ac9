import type { NetworkSecurityGroup, SecurityRule } from '../world';
import { INTERNET_PREFIXES, cidrContains, formatCidr, parseCidr, parseIpv4 } from './ip';

// How Azure evaluates a network security group: rules of the packet's direction in priority order, the
// first match decides, and the six default rules close every NSG. Service tags expand to prefixes.

export const AZURE_LOAD_BALANCER_PREFIX = '168.63.129.16/32';

function defaultRule(
  name: string,
  priority: number,
  direction: SecurityRule['direction'],
  access: SecurityRule['access'],
  source: string,
  destination: string,
  description: string,
): SecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: '*',
    description,
    sourceAddressPrefix: source,
    sourceAddressPrefixes: [],
    sourcePortRange: '*',
    sourcePortRanges: [],
    destinationAddressPrefix: destination,
    destinationAddressPrefixes: [],
    destinationPortRange: '*',
    destinationPortRanges: [],
  };
}

export const DEFAULT_SECURITY_RULES: readonly SecurityRule[] = [
  defaultRule(
    'AllowVnetInBound',
    65000,
    'Inbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow inbound traffic from all VMs in VNET',
  ),
  defaultRule(
    'AllowAzureLoadBalancerInBound',
    65001,
    'Inbound',
    'Allow',
    'AzureLoadBalancer',
    '*',
    'Allow inbound traffic from azure load balancer',
  ),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'),
  defaultRule(
    'AllowVnetOutBound',
    65000,
    'Outbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow outbound traffic from all VMs to all VMs in VNET',
  ),
  defaultRule(
    'AllowInternetOutBound',
    65001,
    'Outbound',
    'Allow',
    '*',
    'Internet',
    'Allow outbound traffic from all VMs to Internet',
  ),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'),
];

/** A rule with the name Network Watcher and effective rules give it: `securityRules/X`, `defaultSecurityRules/X`. */
export interface NamedRule {
  name: string;
  rule: SecurityRule;
}

/** The custom rules that exist at `now`: the rules Defender writes for a JIT request go when it ends. */
export function liveRules(nsg: NetworkSecurityGroup, now: number): SecurityRule[] {
  return nsg.rules.filter((rule) => rule.expiresAt === undefined || rule.expiresAt > now);
}

/** The rules in force at `now`: live custom rules by priority, then the defaults. */
export function rulesInForce(nsg: NetworkSecurityGroup, now: number): NamedRule[] {
  const custom = liveRules(nsg, now)
    .sort((a, b) => a.priority - b.priority)
    .map((rule) => ({ name: `securityRules/${rule.name}`, rule }));
  return [
    ...custom,
    ...DEFAULT_SECURITY_RULES.map((rule) => ({ name: `defaultSecurityRules/${rule.name}`, rule })),
  ];
}

type Field = 'sourceAddress' | 'sourcePort' | 'destinationAddress' | 'destinationPort';

/** A rule's prefixes or port ranges as written, whichever of the singular or plural form it uses. */
export function written(rule: SecurityRule, field: Field): string[] {
  const pick = (single: string | undefined, plural: string[]) => (single ? [single] : plural);
  switch (field) {
    case 'sourceAddress':
      return pick(rule.sourceAddressPrefix, rule.sourceAddressPrefixes);
    case 'sourcePort':
      return pick(rule.sourcePortRange, rule.sourcePortRanges);
    case 'destinationAddress':
      return pick(rule.destinationAddressPrefix, rule.destinationAddressPrefixes);
    case 'destinationPort':
      return pick(rule.destinationPortRange, rule.destinationPortRanges);
  }
}

export const SERVICE_TAGS = ['Internet', 'VirtualNetwork', 'AzureLoadBalancer'] as const;

/** A written prefix as the addresses it stands for; `vnetPrefixes` is what `VirtualNetwork` means here. */
export function expandPrefix(prefix: string, vnetPrefixes: readonly string[]): string[] {
  switch (prefix.toLowerCase()) {
    case '*':
      return ['0.0.0.0/0'];
    case 'internet':
      return [...INTERNET_PREFIXES];
    case 'virtualnetwork':
      return [...vnetPrefixes];
    case 'azureloadbalancer':
      return [AZURE_LOAD_BALANCER_PREFIX];
    default: {
      const cidr = parseCidr(prefix);
      return cidr ? [formatCidr(cidr)] : [];
    }
  }
}

/** `*` → `0-65535`, `3389` → `3389-3389`, as effective rules print ranges. */
export function expandPortRange(range: string): string {
  if (range === '*') return '0-65535';
  return range.includes('-') ? range : `${range}-${range}`;
}

function portInRange(port: number | '*', range: string): boolean {
  if (port === '*') return true;
  const [low, high] = expandPortRange(range).split('-').map(Number);
  return port >= low && port <= high;
}

export interface Packet {
  direction: 'Inbound' | 'Outbound';
  protocol: 'TCP' | 'UDP';
  localIp: string;
  localPort: number | '*';
  remoteIp: string;
  remotePort: number | '*';
}

function addressMatches(prefixes: string[], address: string, vnetPrefixes: readonly string[]): boolean {
  const value = parseIpv4(address);
  if (value === null) return false;
  return prefixes
    .flatMap((prefix) => expandPrefix(prefix, vnetPrefixes))
    .some((prefix) => cidrContains(parseCidr(prefix)!, value));
}

function ruleMatches(rule: SecurityRule, packet: Packet, vnetPrefixes: readonly string[]): boolean {
  if (rule.direction !== packet.direction) return false;
  if (rule.protocol !== '*' && rule.protocol.toUpperCase() !== packet.protocol) return false;
  const inbound = packet.direction === 'Inbound';
  const [sourceIp, sourcePort] = inbound
    ? [packet.remoteIp, packet.remotePort]
    : [packet.localIp, packet.localPort];
  const [destinationIp, destinationPort] = inbound
    ? [packet.localIp, packet.localPort]
    : [packet.remoteIp, packet.remotePort];
  return (
    addressMatches(written(rule, 'sourceAddress'), sourceIp, vnetPrefixes) &&
    addressMatches(written(rule, 'destinationAddress'), destinationIp, vnetPrefixes) &&
    written(rule, 'sourcePort').some((range) => portInRange(sourcePort, range)) &&
    written(rule, 'destinationPort').some((range) => portInRange(destinationPort, range))
  );
}

/** The first rule in force that matches the packet; the default deny rules guarantee one does. */
export function decidingRule(
  nsg: NetworkSecurityGroup,
  packet: Packet,
  vnetPrefixes: readonly string[],
  now: number,
): NamedRule {
  const found = rulesInForce(nsg, now).find(({ rule }) => ruleMatches(rule, packet, vnetPrefixes));
  if (!found) throw new Error(`sandbox: NSG ${nsg.name} has no rule for the packet, not even a default`);
  return found;
}
