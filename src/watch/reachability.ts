import {
  dialedPort,
  evaluateNsg,
  isPublicAddress,
  parseRange,
  portRangeIncludes,
  ruleAimsAt,
} from '../diagnosis/net';
import { machineDestinations } from '../digest/exposure';
import type { FleetMachine } from '../digest/machine';
import { affectedMachines, type ResourceChange } from './changes';

// The platform and network layers only, from the inventory: a running machine is reachable from a source
// when every NSG on its path admits the source to its dialed port and, for a source on the internet, it
// has a public address. Pairs `<lower-case vm id>|<source>` are what ticks compare.

const DEFAULT_RULE = 'defaultSecurityRules/';

export const pairOf = (machineId: string, source: string) => `${machineId.toLowerCase()}|${source}`;
export const machineOfPair = (pair: string) => pair.slice(0, pair.lastIndexOf('|'));

function reaches(machine: FleetMachine, source: string): boolean {
  if (machine.powerState !== 'running') return false;
  if (isPublicAddress(source) && !machine.publicIp?.address) return false;
  return (
    evaluateNsg([...machine.nsgs], dialedPort(machine.osType), source, machineDestinations(machine))
      .access === 'Allow'
  );
}

/** Every machine-source pair that reaches the dialed port now. */
export function reachablePairs(machines: readonly FleetMachine[], sources: readonly string[]): string[] {
  return machines.flatMap((machine) =>
    sources.filter((source) => reaches(machine, source)).map((source) => pairOf(machine.id, source)),
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
