import ipaddr from 'ipaddr.js';
import {
  optionalFact,
  type ActivityEvent,
  type EffectiveNsgGroup,
  type EffectiveRouteFacts,
  type EffectiveRule,
  type Facts,
  type NextHopFacts,
  type NicFacts,
  type VmFacts,
} from './facts';

// Pure helpers the network rules share: addresses and ranges, the dialed port, how effective NSG rules
// decide a packet, the reply path, and who changed an NSG according to the activity log.

type Address = ipaddr.IPv4 | ipaddr.IPv6;
/** An address range as [network, prefix length]; a single address is a range of one. Shared by the cache: read-only. */
type Range = readonly [Address, number];

/**
 * Ranges already parsed, by their text. A fleet repeats the same few prefixes across thousands of NSG rules,
 * and parsing them again was most of a 100,000-VM digest's CPU. Bounded: emptied when full.
 */
const parsedRanges = new Map<string, Range | null>();
const PARSED_RANGES_CAP = 4096;

/** '10.0.0.4', '10.0.0.0/16', '2001:db8::/32' as a range; null for anything else ('*', service tags, typos). */
export function parseRange(text: string): Range | null {
  const cached = parsedRanges.get(text);
  if (cached !== undefined) return cached;
  if (parsedRanges.size >= PARSED_RANGES_CAP) parsedRanges.clear();
  const range = parseUncached(text);
  parsedRanges.set(text, range);
  return range;
}

function parseUncached(text: string): Range | null {
  const value = text.trim();
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(value) || ipaddr.IPv6.isValidCIDR(value)) {
    return ipaddr.parseCIDR(value);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value)) {
    const address = ipaddr.process(value);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  return null;
}

/** The address part of an address or range as written ('203.0.113.0/24' → '203.0.113.0'). */
export function addressOf(text: string): string {
  return text.trim().split('/')[0];
}

function contains(outer: Range, inner: Range): boolean {
  return outer[0].kind() === inner[0].kind() && inner[1] >= outer[1] && inner[0].match(outer[0], outer[1]);
}

/** Whether `prefix` (a range, an address, or '*') holds every address of `target`. */
export function rangeContains(prefix: string, target: string): boolean {
  if (prefix.trim() === '*') return true;
  const outer = parseRange(prefix);
  const inner = parseRange(target);
  return outer !== null && inner !== null && contains(outer, inner);
}

/** Whether `prefix` and `target` share at least one address. */
export function rangesOverlap(prefix: string, target: string): boolean {
  return rangeContains(prefix, target) || rangeContains(target, prefix);
}

/** Whether two addresses are the same, however they are written (IPv6 forms, IPv4-mapped). */
export function sameAddress(a: string, b: string): boolean {
  const left = parseRange(a);
  const right = parseRange(b);
  return left !== null && right !== null && contains(left, right) && contains(right, left);
}

// Addresses that never arrive from the internet. The documentation ranges (203.0.113.0/24 and friends)
// count as public on purpose: they stand for internet clients in examples and tests.
const OFF_INTERNET = new Set([
  'private',
  'carrierGradeNat',
  'loopback',
  'linkLocal',
  'unspecified',
  'broadcast',
  'multicast',
  'uniqueLocal',
]);

/** Whether an address (or the network of a range) is reachable over the internet rather than privately. */
export function isPublicAddress(text: string): boolean {
  const range = parseRange(text);
  return range !== null && !OFF_INTERNET.has(range[0].range());
}

/** The port a client dials: 3389 for Remote Desktop to Windows, 22 for SSH to Linux. */
export function dialedPort(osType: VmFacts['osType'] | undefined): number {
  return osType === 'Linux' ? 22 : 3389;
}

/** Whether an NSG port range as ARM writes it ('3389', '3389-3389', '*', '0-65535') holds `port`. */
export function portRangeIncludes(range: string, port: number): boolean {
  const value = range.trim();
  if (value === '*') return true;
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  if (!match) return false;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return port >= low && port <= high;
}

/** 'securityRules/DenyRdp' → 'DenyRdp': effective rules and IP flow verify prefix the rule collection. */
export function ruleShortName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Rules Defender for Cloud writes for Just-In-Time access (`SecurityCenter-JITRule_…`). */
export function isJitRule(name: string): boolean {
  return ruleShortName(name).toLowerCase().startsWith('securitycenter-jitrule');
}

/** 'deny rule DenyRdpAll (priority 100)', 'default rule DenyAllInBound (priority 65500)'. */
export function describeRule(rule: EffectiveRule): string {
  const kind = rule.name.startsWith('defaultSecurityRules/') ? 'default' : rule.access.toLowerCase();
  return `${kind} rule ${ruleShortName(rule.name)} (priority ${rule.priority})`;
}

/** The last segment of an ARM resource id: the resource's name. */
export function resourceName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

/** The resource group named in an ARM resource id, or null when the id names none. */
export function resourceGroupOf(id: string): string | null {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? null;
}

/** The NIC traffic to the VM arrives on: the primary one, else the first. */
export function primaryNic(vm: VmFacts): NicFacts | null {
  return vm.nics.find((nic) => nic.primary) ?? vm.nics[0] ?? null;
}

/**
 * The addresses inbound RDP reaches the NSGs at: the primary NIC's private address (NSGs see traffic after
 * the public IP is translated). Null when unknown, and then every rule is taken to aim at the VM.
 */
export type Destinations = readonly string[] | null;

export function vmDestinations(vm: VmFacts | null | undefined): Destinations {
  const ip = vm ? primaryNic(vm)?.privateIp : null;
  return ip ? [ip] : null;
}

/**
 * Whether a rule's destination covers the VM. A prefix ARM left unexpanded (a service tag other than
 * VirtualNetwork, which effective rules expand) may hold the VM's address, so it counts as covering it.
 */
export function ruleAimsAt(rule: EffectiveRule, destinations: Destinations): boolean {
  if (destinations === null || destinations.length === 0 || rule.destinationPrefixes.length === 0)
    return true;
  return rule.destinationPrefixes.some(
    (prefix) => parseRange(prefix) === null || destinations.some((address) => rangeContains(prefix, address)),
  );
}

/** How one NSG treats the packet: the rule that decides, or null when no rule in it applies. */
export interface GroupDecision {
  group: EffectiveNsgGroup;
  access: 'Allow' | 'Deny';
  rule: EffectiveRule | null;
}

/** The effective verdict: both the subnet's and the NIC's NSG must allow; `deciding` is the first that denies. */
export interface NsgDecision {
  access: 'Allow' | 'Deny';
  deciding: GroupDecision | null;
  groups: GroupDecision[];
}

/** The group's inbound rules that take TCP `port` to `destinations`, in the order they are weighed. */
export function inboundTcpRules(
  group: EffectiveNsgGroup,
  port: number,
  destinations: Destinations,
): EffectiveRule[] {
  return group.rules
    .filter(
      (rule) =>
        rule.direction === 'Inbound' &&
        ['tcp', 'all', '*'].includes(rule.protocol.toLowerCase()) &&
        rule.destinationPortRanges.some((range) => portRangeIncludes(range, port)) &&
        ruleAimsAt(rule, destinations),
    )
    .sort((a, b) => a.priority - b.priority);
}

function decided(group: EffectiveNsgGroup, rule: EffectiveRule | undefined): GroupDecision {
  return rule ? { group, access: rule.access, rule } : { group, access: 'Allow', rule: null };
}

const ALL_IPV4 = '0.0.0.0/0';

/**
 * The first rule by priority that takes the packet from `source` to `destinations`. A deny takes it when it touches any
 * address of the source range and an allow only when it holds all of it, so a range is allowed only when
 * every address in it is. With no source, the group denies only when no allow can match any source:
 * every allow is shadowed by denies ahead of it.
 */
export function decideGroup(
  group: EffectiveNsgGroup,
  port: number,
  source: string | null,
  destinations: Destinations,
): GroupDecision {
  const rules = inboundTcpRules(group, port, destinations);
  if (source !== null) {
    return decided(
      group,
      rules.find((rule) =>
        rule.sourcePrefixes.some((prefix) =>
          rule.access === 'Deny' ? rangesOverlap(prefix, source) : rangeContains(prefix, source),
        ),
      ),
    );
  }
  const denied: string[] = [];
  for (const rule of rules) {
    if (rule.access === 'Deny') denied.push(...rule.sourcePrefixes);
    else if (rule.sourcePrefixes.some((prefix) => !denied.some((deny) => rangeContains(deny, prefix)))) {
      return { group, access: 'Allow', rule };
    }
  }
  const denies = rules.filter((rule) => rule.access === 'Deny');
  return decided(
    group,
    denies.find((rule) => rule.sourcePrefixes.some((prefix) => rangeContains(prefix, ALL_IPV4))) ?? denies[0],
  );
}

// Inbound traffic meets the subnet's NSG before the NIC's.
const SCOPE_ORDER: Record<EffectiveNsgGroup['scope'], number> = { subnet: 0, nic: 1 };

function combine(groups: GroupDecision[]): NsgDecision {
  const ordered = [...groups].sort((a, b) => SCOPE_ORDER[a.group.scope] - SCOPE_ORDER[b.group.scope]);
  const deciding = ordered.find((decision) => decision.access === 'Deny') ?? null;
  return { access: deciding ? 'Deny' : 'Allow', deciding, groups: ordered };
}

/** Whether TCP `port` from `source` (null: from any source) to the VM's addresses passes every NSG on the path. */
export function evaluateNsg(
  groups: EffectiveNsgGroup[],
  port: number,
  source: string | null,
  destinations: Destinations,
): NsgDecision {
  return combine(groups.map((group) => decideGroup(group, port, source, destinations)));
}

const WHOLE_INTERNET = new Set(['*', 'internet', 'any', '0.0.0.0/0', '::/0']);

/** Whether a rule is written for every internet address ('*', 'Internet', '0.0.0.0/0'), not a known range. */
export function isOpenToInternet(rule: EffectiveRule): boolean {
  return rule.sourcePrefixesAsWritten.some((prefix) => WHOLE_INTERNET.has(prefix.trim().toLowerCase()));
}

/** How the NSGs treat TCP `port` from an arbitrary internet address: only rules open to the internet take it. */
export function evaluateNsgForInternet(
  groups: EffectiveNsgGroup[],
  port: number,
  destinations: Destinations,
): NsgDecision {
  return combine(
    groups.map((group) => decided(group, inboundTcpRules(group, port, destinations).find(isOpenToInternet))),
  );
}

/** A write or delete of an NSG (ruleName null) or of one of its rules, per the activity log. */
export interface NsgChange {
  event: ActivityEvent;
  ruleName: string | null;
  action: 'write' | 'delete';
}

/** Writes and deletes of the NSG and its rules, newest first: failed attempts left out, one per operation. */
export function nsgChanges(events: ActivityEvent[], nsgId: string): NsgChange[] {
  const nsg = nsgId.toLowerCase();
  const rulePrefix = `${nsg}/securityrules/`;
  const seen = new Set<string>();
  const changes: NsgChange[] = [];
  for (const event of [...events].sort((a, b) => Date.parse(b.time) - Date.parse(a.time))) {
    const resource = event.resourceId.toLowerCase();
    const action = event.operationName.toLowerCase().split('/').pop();
    if (event.status?.toLowerCase() === 'failed' || (action !== 'write' && action !== 'delete')) continue;
    if (resource !== nsg && !resource.startsWith(rulePrefix)) continue;
    // The activity log records Started, Accepted and Succeeded for one operation under one correlation id.
    const key = `${event.correlationId ?? event.time}|${resource}`;
    if (seen.has(key)) continue;
    seen.add(key);
    changes.push({
      event,
      ruleName: resource === nsg ? null : event.resourceId.slice(rulePrefix.length),
      action,
    });
  }
  return changes;
}

/** The newest activity-log event that wrote or deleted the rule `ruleName` of the NSG, or null. */
export function findRuleChange(events: ActivityEvent[], nsgId: string, ruleName: string): NsgChange | null {
  const name = ruleShortName(ruleName).toLowerCase();
  return nsgChanges(events, nsgId).find((change) => change.ruleName?.toLowerCase() === name) ?? null;
}

/** 'alice@contoso.com at 2026-11-27T10:02:00Z' */
export function whoAndWhen(event: ActivityEvent): string {
  return `${event.caller ?? 'an unknown caller'} at ${event.time}`;
}

/** Where the VM's reply to the source goes, and how we know. */
export interface ReplyHop {
  nextHopType: string;
  nextHopIp: string | null;
  /** One evidence line naming the check that said so. */
  evidence: string;
}

/**
 * The next hop of the reply VM → source: Network Watcher's answer when it was asked about this source,
 * else the longest matching active effective route (for no source, the active 0.0.0.0/0 route).
 */
export function replyHop(
  source: string | null,
  nextHop: NextHopFacts | undefined,
  routes: EffectiveRouteFacts | undefined,
): ReplyHop | null {
  if (source !== null && nextHop && rangeContains(source, nextHop.destinationIp)) {
    const table = nextHop.routeTableId ? ` (route table ${resourceName(nextHop.routeTableId)})` : '';
    const via = nextHop.nextHopIpAddress ? ` ${nextHop.nextHopIpAddress}` : '';
    return {
      nextHopType: nextHop.nextHopType,
      nextHopIp: nextHop.nextHopIpAddress,
      evidence: `next hop from ${nextHop.sourceIp} to ${nextHop.destinationIp} is ${nextHop.nextHopType}${via}${table}`,
    };
  }
  if (!routes) return null;
  const target = source ?? ALL_IPV4;
  let best: { route: EffectiveRouteFacts['routes'][number]; prefix: string; bits: number } | null = null;
  for (const route of routes.routes) {
    if (route.state.toLowerCase() !== 'active') continue;
    for (const prefix of route.addressPrefixes) {
      const range = parseRange(prefix);
      if (range && rangeContains(prefix, target) && (best === null || range[1] > best.bits)) {
        best = { route, prefix, bits: range[1] };
      }
    }
  }
  if (best === null) return null;
  const { route, prefix } = best;
  const via = route.nextHopIpAddresses.length > 0 ? ` ${route.nextHopIpAddresses.join(', ')}` : '';
  return {
    nextHopType: route.nextHopType,
    nextHopIp: route.nextHopIpAddresses[0] ?? null,
    evidence: `active ${route.source} route ${prefix} sends replies to ${source ?? 'the internet'} to ${route.nextHopType}${via}`,
  };
}

/** How a person confirms where the reply to the source goes: next hop when the source is known, else the routes. */
export function confirmReplyPath(facts: Facts): string {
  const vm = optionalFact(facts, 'vm');
  const nic = vm ? primaryNic(vm) : null;
  const source = facts.request.source;
  if (vm && nic?.privateIp && source !== null) {
    return (
      `az network watcher show-next-hop --resource-group ${vm.resourceGroup} --vm ${vm.name} ` +
      `--source-ip ${nic.privateIp} --dest-ip ${addressOf(source)}`
    );
  }
  const resourceGroup = (nic && resourceGroupOf(nic.id)) ?? vm?.resourceGroup ?? '<resource-group>';
  return `az network nic show-effective-route-table --resource-group ${resourceGroup} --name ${nic?.name ?? '<nic>'} --output table`;
}
