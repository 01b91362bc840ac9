import { createHash } from 'node:crypto';
import type { Layer } from '../diagnosis/facts';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { ProposalState } from '../approvals/states';
import type { JsonObject } from '../store';
import type { FleetMachine } from './machine';
import { RISK_IDS, type PreviousDigest, type RiskFinding, type RiskId } from './risk';

// The digest as data: what the renderer draws and what the subscription remembers for next time (its
// `lastReport`: the risks found, and which machines were running, by a short hash of their id).

export interface DiagnosisOfPeriod {
  runId: string;
  vmId: string;
  vmName: string;
  at: string;
  layer: Layer | 'none';
  causes: CauseId[];
  summary: string;
  /** No failing layer found while this many checks could not run (0: the run was complete). */
  checksNotRun: number;
}

export interface ProposalOfPeriod {
  id: string;
  vmId: string;
  vmName: string;
  fixId: FixId;
  cause: CauseId;
  state: ProposalState;
  proposer: string;
  at: string;
}

/** A risk on one machine, as the comparison with the previous digest names it. */
export interface RiskChange {
  risk: RiskId;
  machineId: string;
  machineName: string;
}

export interface DigestReport {
  /** The digest subscription's id. */
  digestId: string;
  /** What the scope covers, in words. */
  scope: string;
  generatedAt: string;
  /** The diagnoses and proposals counted are those since this time: the previous digest, or a day. */
  periodStart: string;
  previousAt: string | null;
  machines: number;
  /** Machines with at least one risk. */
  atRisk: number;
  /** Riskiest first (see assessFleet). */
  findings: RiskFinding[];
  /** Null for the first digest of a subscription: nothing to compare with. */
  changes: { added: RiskChange[]; resolved: RiskChange[] } | null;
  diagnoses: DiagnosisOfPeriod[];
  proposals: ProposalOfPeriod[];
  inventory: {
    calls: number;
    throttledMs: number;
    metrics: { read: number; flagged: number; cap: number; failures: string[] };
    /** What the inventory could not see in full, in words. */
    warnings: string[];
  };
}

export interface Memory {
  at: string;
  risks: Map<string, RiskChange>;
  running: Set<string>;
}

/** A machine's id as the memory keeps it: short, and the same however ARM cases it. */
export function machineKey(id: string): string {
  return createHash('sha256').update(id.toLowerCase()).digest('base64url').slice(0, 12);
}

const riskKey = (risk: string, machineId: string) => `${risk}|${machineId.toLowerCase()}`;

/**
 * What the next digest needs to know of this one, as the store keeps it in the subscription's lastReport.
 * `carried` are previous risks this digest could not judge again: they stay remembered.
 */
export function memoryOf(
  report: DigestReport,
  machines: readonly FleetMachine[],
  carried: readonly RiskChange[],
): JsonObject {
  return {
    schemaVersion: 1,
    at: report.generatedAt,
    risks: [
      ...report.findings.map((finding) => [finding.risk, finding.machine.id, finding.machine.name]),
      // Marked, so the digest's list of a risk names only the machines it found this time.
      ...carried.map((change) => [change.risk, change.machineId, change.machineName, CARRIED]),
    ],
    running: machines
      .filter((machine) => machine.powerState === 'running')
      .map((machine) => machineKey(machine.id)),
  };
}

/** A remembered risk this digest did not judge again (memoryOf). */
const CARRIED = 'carried';

/** A risk entry of a memory, when it is well formed. */
function riskEntry(entry: unknown): (RiskChange & { carried: boolean }) | null {
  if (!Array.isArray(entry) || !(RISK_IDS as readonly unknown[]).includes(entry[0])) return null;
  const [risk, machineId, machineName, mark] = entry as [RiskId, unknown, unknown, unknown];
  if (typeof machineId !== 'string' || typeof machineName !== 'string') return null;
  return { risk, machineId, machineName, carried: mark === CARRIED };
}

/**
 * The machines a posted digest found `risk` on, from the memory it left (what its list button shows),
 * with the time of that digest; null when the memory is unreadable.
 */
export function machinesFound(
  json: JsonObject | null,
  risk: RiskId,
): { at: string; machines: RiskChange[] } | null {
  if (!json || json.schemaVersion !== 1 || typeof json.at !== 'string' || !Array.isArray(json.risks))
    return null;
  const machines = (json.risks as unknown[]).flatMap((raw) => {
    const entry = riskEntry(raw);
    return entry && entry.risk === risk && !entry.carried
      ? [{ risk, machineId: entry.machineId, machineName: entry.machineName }]
      : [];
  });
  return { at: json.at, machines };
}

/** The previous digest's memory; null when there is none or it is unreadable (the next digest starts fresh). */
export function readMemory(json: JsonObject | null): Memory | null {
  if (!json || json.schemaVersion !== 1 || typeof json.at !== 'string' || !Array.isArray(json.risks))
    return null;
  const risks = new Map<string, RiskChange>();
  for (const entry of (json.risks as unknown[]).map(riskEntry)) {
    if (!entry) continue;
    const { risk, machineId, machineName } = entry;
    risks.set(riskKey(risk, machineId), { risk, machineId, machineName });
  }
  const running = Array.isArray(json.running)
    ? (json.running as unknown[]).filter((k) => typeof k === 'string')
    : [];
  return { at: json.at, risks, running: new Set(running as string[]) };
}

export function previousDigest(memory: Memory | null): PreviousDigest | null {
  if (!memory) return null;
  return {
    at: memory.at,
    wasRunning: (machineId) => memory.running.has(machineKey(machineId)),
    found: (risk, machineId) => memory.risks.has(riskKey(risk, machineId)),
  };
}

/** The previous digest's risks. */
export function rememberedRisks(memory: Memory | null): RiskChange[] {
  return [...(memory?.risks.values() ?? [])];
}

/**
 * New risks (not in the previous digest) and resolved ones (in it, gone now), riskiest first. A previous
 * risk this digest could not judge again (`judged` false) is neither.
 */
export function compare(
  memory: Memory,
  findings: readonly RiskFinding[],
  judged: (change: RiskChange) => boolean,
): NonNullable<DigestReport['changes']> {
  const now = new Set(findings.map((finding) => riskKey(finding.risk, finding.machine.id)));
  const added = findings
    .filter((finding) => !memory.risks.has(riskKey(finding.risk, finding.machine.id)))
    .map((finding) => ({
      risk: finding.risk,
      machineId: finding.machine.id,
      machineName: finding.machine.name,
    }));
  const rank = (change: RiskChange) => RISK_IDS.indexOf(change.risk);
  const resolved = [...memory.risks.entries()]
    .filter(([key, change]) => !now.has(key) && judged(change))
    .map(([, change]) => change)
    .sort((a, b) => rank(a) - rank(b) || a.machineName.localeCompare(b.machineName));
  return { added, resolved };
}
