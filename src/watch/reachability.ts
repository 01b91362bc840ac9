import {
  dialedPort,
  isJitRule,
  isPublicAddress,
  parseRange,
  portRangeIncludes,
  rangeContains,
  rangesOverlap,
  ruleAimsAt,
  ruleShortName,
} from '../diagnosis/net';
import type { FixId } from '../diagnosis/ids';
import { nsgDeny } from '../diagnosis/provisional';
import { machineDestinations } from '../digest/exposure';
import type { FleetMachine } from '../digest/machine';
import { affectedMachines, type ResourceChange } from './changes';

// The platform and network layers only, from the inventory: a running machine is reachable from a source
// when, for a source on the internet, it has a public address, every NSG on its path admits the source to
// its dialed port, and no user route sends the replies to the source into an appliance or nowhere. Pairs
// `<lower-case vm id>|<source>` are what ticks compare.

const DEFAULT_RULE = 'defaultSecurityRules/';

export const pairOf = (machineId: string, source: string) => `${machineId.toLowerCase()}|${source}`;
export const machineOfPair = (pair: string) => pair.slice(0, pair.lastIndexOf('|'));
export const sourceOfPair = (pair: string) => pair.slice(pair.lastIndexOf('|') + 1);

/** What stops a source reaching a machine, in the layer order a session meets them. */
export type Blocked =
  | { by: 'power'; powerState: string }
  | { by: 'public-ip' }
  | { by: 'nsg'; nsgId: string | null; rule: string | null; jit: boolean }
  | { by: 'route'; routeTableId: string; route: string; nextHopType: string; nextHopIp: string | null };

/** Azure's system routes for private ranges outside the virtual network drop the traffic. */
const DROPPED_RANGES = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];

const bitsOf = (prefix: string) => parseRange(prefix)?.[1] ?? -1;

/** The most specific system route prefix that holds `range`: the one a user route must match or beat. */
function systemBits(machine: FleetMachine, range: string): number {
  return Math.max(
    0,
    ...[...machine.vnetPrefixes, ...DROPPED_RANGES]
      .filter((prefix) => rangeContains(prefix, range))
      .map(bitsOf),
  );
}

/**
 * The user route that sends replies to (part of) the source to an appliance or drops them: the path then
 * breaks as route-via-appliance or return-path-asymmetric say. Longest prefix wins, a user route over a
 * system route of the same length.
 */
function replyRoute(machine: FleetMachine, source: string): Extract<Blocked, { by: 'route' }> | null {
  const table = machine.routeTable;
  if (!table || source.includes(':')) return null;
  for (const route of table.routes) {
    if (route.nextHopType !== 'VirtualAppliance' && route.nextHopType !== 'None') continue;
    if (!rangesOverlap(route.addressPrefix, source)) continue;
    // Where the route and the source overlap: the narrower of the two.
    const overlap = bitsOf(route.addressPrefix) >= bitsOf(source) ? route.addressPrefix : source;
    if (bitsOf(route.addressPrefix) < systemBits(machine, overlap)) continue;
    return {
      by: 'route',
      routeTableId: table.id,
      route: route.name,
      nextHopType: route.nextHopType,
      nextHopIp: route.nextHopIp,
    };
  }
  return null;
}

/** Network Watcher's verdict on the NSGs for one packet (IP flow verify), in place of the rules' evaluation. */
export interface NsgVerdict {
  access: 'Allow' | 'Deny';
  /** As IP flow verify names it, e.g. `securityRules/Deny-RDP-Hardening`. */
  rule: string | null;
}

/** The NSGs' verdict as the inventory's rules give it (the provisional evaluation). */
export function provisionalNsg(
  machine: FleetMachine,
  source: string,
): Extract<Blocked, { by: 'nsg' }> | null {
  const deny = nsgDeny(machine.nsgs, dialedPort(machine.osType), source, machineDestinations(machine));
  return deny ? { by: 'nsg', nsgId: deny.nsgId, rule: deny.rule, jit: deny.jit } : null;
}

/**
 * Why `source` cannot reach the machine's dialed port; null when it can. `verified`, when Network Watcher
 * answered for this machine's NSGs, decides the NSG layer instead of the inventory's rules.
 */
export function blockedBy(
  machine: FleetMachine,
  source: string,
  verified: NsgVerdict | null = null,
): Blocked | null {
  if (machine.powerState !== 'running') return { by: 'power', powerState: machine.powerState };
  if (isPublicAddress(source) && !machine.publicIp?.address) return { by: 'public-ip' };
  const provisional = provisionalNsg(machine, source);
  if (verified === null && provisional) return provisional;
  if (verified?.access === 'Deny') {
    const rule = verified.rule ? ruleShortName(verified.rule) : null;
    return {
      by: 'nsg',
      nsgId: provisional?.nsgId ?? null,
      rule,
      jit: rule !== null && isJitRule(rule),
    };
  }
  return replyRoute(machine, source);
}

/** The fix the diagnosis offers for what blocks the path; null where the guide gives advice only. */
export function fixFor(blocked: Blocked): FixId | null {
  switch (blocked.by) {
    case 'power':
      return 'start-vm';
    case 'nsg':
      return blocked.jit ? 'jit-request-access' : 'nsg-allow-rdp-from-source';
    default:
      return null;
  }
}

/**
 * Every machine-source pair that reaches the dialed port now; `verified` gives Network Watcher's verdict
 * for a pair where it answered.
 */
export function reachablePairs(
  machines: readonly FleetMachine[],
  sources: readonly string[],
  verified: (machine: FleetMachine, source: string) => NsgVerdict | null = () => null,
): string[] {
  return machines.flatMap((machine) =>
    sources
      .filter((source) => blockedBy(machine, source, verified(machine, source)) === null)
      .map((source) => pairOf(machine.id, source)),
  );
}

/** The address ranges the scope's own allow rules name for the dialed port: where people connect from. */
export function allowedSources(machines: readonly FleetMachine[]): string[] {
  const sources = new Set<string>();
  for (const machine of machines) {
    const port = dialedPort(machine.osType);
    const destinations = machineDestinations(machine);
    for (const group of machine.nsgs) {
      for (const rule of group.rules) {
        if (rule.access !== 'Allow' || rule.name.startsWith(DEFAULT_RULE)) continue;
        if (!rule.destinationPortRanges.some((range) => portRangeIncludes(range, port))) continue;
        if (!ruleAimsAt(rule, destinations)) continue;
        for (const prefix of rule.sourcePrefixes) if (parseRange(prefix)) sources.add(prefix);
      }
    }
  }
  return [...sources].sort();
}

export interface CutOff {
  change: ResourceChange;
  /** The pairs that reached before and no longer do, the change being the latest that touches them. */
  pairs: string[];
}

/**
 * Which change cut off which pairs: each lost pair goes to the latest change that touches its machine;
 * a change that cut nothing off is absent.
 */
export function cutOffs(
  before: readonly string[],
  now: readonly string[],
  changes: readonly ResourceChange[],
  machines: readonly FleetMachine[],
): CutOff[] {
  const reachableNow = new Set(now);
  const lost = before.filter((pair) => !reachableNow.has(pair));
  const latestFor = latestChangeByMachine(changes, machines);
  const byChange = new Map<string, CutOff>();
  for (const pair of lost) {
    const change = latestFor.get(machineOfPair(pair));
    if (!change) continue;
    const entry = byChange.get(change.changeId) ?? { change, pairs: [] };
    entry.pairs.push(pair);
    byChange.set(change.changeId, entry);
  }
  return [...byChange.values()];
}

/** The latest change touching each machine (lower-case id). */
export function latestChangeByMachine(
  changes: readonly ResourceChange[],
  machines: readonly FleetMachine[],
): Map<string, ResourceChange> {
  const latest = new Map<string, ResourceChange>();
  for (const change of [...changes].sort((a, b) => a.time.localeCompare(b.time))) {
    for (const machine of affectedMachines(change, machines)) latest.set(machine.id.toLowerCase(), change);
  }
  return latest;
}

/** Whether every pair an alert lost reaches again. */
export function recovered(alertPairs: readonly string[], now: readonly string[]): boolean {
  const reachableNow = new Set(now);
  return alertPairs.every((pair) => reachableNow.has(pair));
}

/**
 * The pairs reachable now when only `looked` machines were read again: the others keep the pairs of the
 * last look (no change touched them), the looked-at ones have `theirs`.
 */
export function mergePairs(
  before: readonly string[],
  looked: readonly FleetMachine[],
  theirs: readonly string[],
): string[] {
  const ids = new Set(looked.map((machine) => machine.id.toLowerCase()));
  return [...before.filter((pair) => !ids.has(machineOfPair(pair))), ...theirs];
}
