import type { EffectiveNsgGroup, EffectiveRule } from './facts';
import { parseRange } from './net';

// NSG rules as they are written on the NSG (a plain GET, or Resource Graph's `properties.securityRules`),
// turned into the shape effective rules have, so the same evaluation reads both. Azure expands service
// tags for effective rules; here the tags are expanded locally, which is exact for '*' and approximate for
// the others: `Internet` is taken as every address, `VirtualNetwork` as the ranges the caller knows.

/** One rule as ARM writes it on the NSG, without its `properties` envelope. */
export interface WrittenRule {
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sourceAddressPrefix?: string;
  sourceAddressPrefixes?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes?: string[];
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

const WHOLE_INTERNET = new Set(['*', 'internet', 'any', '0.0.0.0/0']);
const AZURE_LOAD_BALANCER = '168.63.129.16/32';
/** Written prefixes whose local expansion is what Azure does too. */
const EXACT = new Set(['*', 'any']);

/** A source as the rules compare it: service tags expand the way effective rules expand them. */
function expandSource(prefix: string, vnetPrefixes: readonly string[]): string[] {
  const lower = prefix.trim().toLowerCase();
  if (WHOLE_INTERNET.has(lower)) return ['0.0.0.0/0'];
  if (lower === 'virtualnetwork') return [...vnetPrefixes];
  if (lower === 'azureloadbalancer') return [AZURE_LOAD_BALANCER];
  return [prefix.trim()];
}

/** A destination as the rules compare it: the VM's address lies in the virtual network, never in a tag like Internet. */
function expandDestination(prefix: string, vnetPrefixes: readonly string[]): string[] {
  const lower = prefix.trim().toLowerCase();
  if (lower === '*' || lower === 'any') return ['0.0.0.0/0'];
  if (lower === 'virtualnetwork') return [...vnetPrefixes];
  return [prefix.trim()];
}

function both(single: string | undefined | null, many: string[] | undefined | null): string[] {
  return [...(single ? [single] : []), ...(many ?? [])];
}

function inboundRule(name: string, row: WrittenRule, vnetPrefixes: readonly string[]): EffectiveRule {
  const written = both(row.sourceAddressPrefix, row.sourceAddressPrefixes);
  const destinations = both(row.destinationAddressPrefix, row.destinationAddressPrefixes);
  return {
    name,
    priority: Number(row.priority),
    access: row.access === 'Deny' ? 'Deny' : 'Allow',
    direction: 'Inbound',
    protocol: row.protocol,
    sourcePrefixes: written.flatMap((prefix) => expandSource(prefix, vnetPrefixes)),
    sourcePrefixesAsWritten: written,
    destinationPortRanges: both(row.destinationPortRange, row.destinationPortRanges),
    destinationPrefixes: destinations.flatMap((prefix) => expandDestination(prefix, vnetPrefixes)),
    destinationPrefixesAsWritten: destinations,
  };
}

/** Azure's inbound default rules close every NSG, after its own rules. */
function defaultRules(vnetPrefixes: readonly string[]): EffectiveRule[] {
  const rule = (
    name: string,
    priority: number,
    access: 'Allow' | 'Deny',
    source: string,
    destination: string,
  ) =>
    inboundRule(
      `defaultSecurityRules/${name}`,
      {
        priority,
        direction: 'Inbound',
        access,
        protocol: 'All',
        sourceAddressPrefix: source,
        destinationAddressPrefix: destination,
        destinationPortRange: '*',
      },
      vnetPrefixes,
    );
  return [
    rule('AllowVnetInBound', 65000, 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
    rule('AllowAzureLoadBalancerInBound', 65001, 'Allow', 'AzureLoadBalancer', '*'),
    rule('DenyAllInBound', 65500, 'Deny', '*', '*'),
  ];
}

/**
 * The NSG as effective rules show it: its inbound rules (named `securityRules/<name>`), then the defaults.
 * `vnetPrefixes` stand in for the VirtualNetwork tag.
 */
export function nsgAsWritten(
  nsgId: string,
  scope: EffectiveNsgGroup['scope'],
  rules: readonly { name: string; properties: WrittenRule }[],
  vnetPrefixes: readonly string[],
): EffectiveNsgGroup {
  return {
    nsgId,
    scope,
    rules: [
      ...rules
        .filter((rule) => rule.properties.direction === 'Inbound')
        .map((rule) => inboundRule(`securityRules/${rule.name}`, rule.properties, vnetPrefixes)),
      ...defaultRules(vnetPrefixes),
    ],
  };
}

/** Whether a written prefix is a service tag (`Internet`, `VirtualNetwork`, `Storage.WestEurope`), not an address or '*'. */
export function isServiceTag(prefix: string): boolean {
  return !EXACT.has(prefix.trim().toLowerCase()) && parseRange(prefix) === null;
}
