import type { FleetMachine } from '../digest/machine';
import { blockedBy, pairOf, provisionalNsg, type NsgVerdict } from './reachability';

// Which packets to put to Network Watcher's IP flow verify after a change: machines behind the same NSGs
// whose rules give the same verdict for a source share Azure's answer, so one representative per NSG pair
// (and source) is asked, and only where the verdict decides something (a pair that would flip). Each
// question costs two ARM calls (the verify and its poll): `limit` keeps a tick within its budget; the
// groups left over keep the inventory's provisional evaluation.

/** One question: the representative's packet, standing for every machine of its group. */
export interface FlowQuestion {
  /** The NSG pair, the provisional verdict and the source: what the answer applies to. */
  key: string;
  machine: FleetMachine;
  source: string;
  /** How many machines the answer stands for. */
  covers: number;
}

/** The subnet's and the NIC's NSG, and what their rules say for the source. */
export function flowKey(machine: FleetMachine, source: string): string {
  const nsgs = machine.nsgs.map((group) => `${group.scope}:${group.nsgId.toLowerCase()}`).sort();
  const provisional = provisionalNsg(machine, source);
  const verdict = provisional ? `deny:${provisional.rule ?? ''}` : 'allow';
  return `${nsgs.join(',') || 'no-nsg'}|${verdict}|${source}`;
}

/** Whether IP flow verify can judge the machine's NSGs for the source (it needs a running VM and its address). */
function askable(machine: FleetMachine, source: string): boolean {
  if (machine.powerState !== 'running' || !machine.nic?.privateIp) return false;
  const blocked = blockedBy(machine, source);
  return blocked === null || blocked.by === 'nsg';
}

/**
 * The questions worth asking for the machines looked at again: groups where some pair would flip
 * (reachable before and not now, or the reverse), largest first, at most `limit`.
 */
export function flowQuestions(
  looked: readonly FleetMachine[],
  sources: readonly string[],
  before: ReadonlySet<string>,
  limit: number,
): FlowQuestion[] {
  const groups = new Map<string, { members: number; flipped: FleetMachine[]; source: string }>();
  for (const source of sources) {
    for (const machine of looked) {
      if (!askable(machine, source)) continue;
      const key = flowKey(machine, source);
      const group = groups.get(key) ?? { members: 0, flipped: [], source };
      group.members += 1;
      const reachesNow = blockedBy(machine, source) === null;
      if (before.has(pairOf(machine.id, source)) !== reachesNow) group.flipped.push(machine);
      groups.set(key, group);
    }
  }
  return [...groups]
    .filter(([, group]) => group.flipped.length > 0)
    .sort(([a, x], [b, y]) => y.members - x.members || a.localeCompare(b))
    .slice(0, Math.max(0, limit))
    .map(([key, group]) => ({
      key,
      machine: [...group.flipped].sort((a, b) => a.name.localeCompare(b.name))[0],
      source: group.source,
      covers: group.members,
    }));
}

/** Network Watcher's answers, by question key, as `reachablePairs` takes them. */
export function verdictsBy(answers: ReadonlyMap<string, NsgVerdict>) {
  return (machine: FleetMachine, source: string): NsgVerdict | null =>
    askable(machine, source) ? (answers.get(flowKey(machine, source)) ?? null) : null;
}
