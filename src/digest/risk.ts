import type { FixId } from '../diagnosis/ids';
import type { FleetMachine } from './machine';

// A risk is a configuration the field guide's prevention section names as the start of a future RDP
// outage. Each is one pure rule over one machine's fleet facts, like the cause rules over a diagnosis.

export const RISK_IDS = [
  'rdp-open-to-internet',
  'nsg-rule-shadows-rdp-allow',
  'stopped-unexpectedly',
  'agent-not-ready',
  'memory-or-disk-trending-to-exhaustion',
  'no-jit-no-bastion',
  'dynamic-public-ip',
  'boot-diagnostics-off',
] as const;
export type RiskId = (typeof RISK_IDS)[number];

/** What the previous digest of the same subscription saw, for rules that judge change. */
export interface PreviousDigest {
  at: string;
  /** Whether the machine was running when the previous digest was taken. */
  wasRunning(machineId: string): boolean;
  /** Whether the previous digest found this risk on the machine. */
  found(risk: RiskId, machineId: string): boolean;
}

export interface RiskContext {
  /** The clock the rules judge by (ISO 8601), so they stay pure. */
  now: string;
  previous: PreviousDigest | null;
}

export interface RiskDetection {
  /** The facts that show it, with the real names: rules, priorities, addresses, values. */
  evidence: string[];
  /** The fix button that removes it, when one does. */
  fix?: FixId;
  /** What to do when no fix button does it. */
  advice?: string;
}

export interface RiskRule {
  id: RiskId;
  /** The group heading in the digest: what is wrong, in the guide's words. */
  title: string;
  /** The field guide section the rule comes from. */
  guide: string;
  /** `critical`: an outage is under way or one change away; `warning`: a recovery path is missing. */
  severity: 'critical' | 'warning';
  detect(machine: FleetMachine, context: RiskContext): RiskDetection | null;
}

/** Enough of a machine to name it and act on it. */
export interface MachineRef {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
}

export interface RiskFinding {
  risk: RiskId;
  machine: MachineRef;
  evidence: string[];
  fix: FixId | null;
  advice: string | null;
}

export function machineRef(machine: FleetMachine): MachineRef {
  return {
    id: machine.id,
    name: machine.name,
    resourceGroup: machine.resourceGroup,
    subscriptionId: machine.subscriptionId,
  };
}
