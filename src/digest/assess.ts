import type { FleetMachine } from './machine';
import { machineRef, RISK_IDS, type RiskContext, type RiskFinding } from './risk';
import { RISKS } from './risks';

/**
 * Every risk rule over every machine. Findings come riskiest first: by risk (the order of RISK_IDS), and
 * within a risk the machines that carry the most risks first, then by name.
 */
export function assessFleet(machines: readonly FleetMachine[], context: RiskContext): RiskFinding[] {
  const findings: RiskFinding[] = [];
  const perMachine = new Map<string, number>();
  for (const machine of machines) {
    for (const rule of RISKS) {
      const detection = rule.detect(machine, context);
      if (!detection) continue;
      findings.push({
        risk: rule.id,
        machine: machineRef(machine),
        evidence: detection.evidence,
        fix: detection.fix ?? null,
        advice: detection.advice ?? null,
      });
      perMachine.set(machine.id, (perMachine.get(machine.id) ?? 0) + 1);
    }
  }
  const rank = (finding: RiskFinding) => RISK_IDS.indexOf(finding.risk);
  return findings.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (perMachine.get(b.machine.id) ?? 0) - (perMachine.get(a.machine.id) ?? 0) ||
      a.machine.name.localeCompare(b.machine.name),
  );
}
