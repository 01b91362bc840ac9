import { resourceLink } from './portal-links';
import type { Finding, PortalLink, Report } from './report';

// An incomplete diagnosis: no failing layer found while some checks could not run, so the verdict may
// hide behind what is missing (the CLI exits 3). What a person does next to see past it: the guest's
// console, the agent when Run Command did not answer, and a second run.

/** Why a fact's gatherer gave up: its timeout passed. */
export function timedOutReason(timeoutMs: number): string {
  return `no answer within ${Math.round(timeoutMs / 1000)} s; Azure may still be working on it`;
}

/** No failing layer found while some check could not run: the verdict may hide behind what is missing. */
export function isIncomplete(report: Pick<Report, 'verdict' | 'checks'>): boolean {
  return report.verdict.layer === 'none' && report.checks.some((check) => check.status === 'error');
}

export interface IncompleteDiagnosis {
  /** Where a person sees what the guest is doing without the agent: boot diagnostics, serial console. */
  console: PortalLink[];
  /**
   * Run Command gave no answer in time while the VM agent was not reported down: the agent or Windows
   * itself is stuck (the serial console tells which; a restart clears either). The vm-agent-unhealthy
   * warning that says so, with its restart; null when the agent is not shown stuck.
   */
  stuckAgent: Finding | null;
}

/**
 * Where to look next when a report is incomplete (the checks that could not run are listed with the
 * report itself); null for a report with a verdict, or one whose every check ran.
 */
export function incompleteDiagnosis(report: Report, portal: string): IncompleteDiagnosis | null {
  if (!isIncomplete(report)) return null;
  return {
    console: [
      { label: 'Boot diagnostics', url: resourceLink(portal, report.vm.id, 'bootDiagnostics') },
      { label: 'Serial console', url: resourceLink(portal, report.vm.id, 'serialConsole') },
    ],
    // With no failing layer, a vm-agent-unhealthy finding is its warning: the agent is stuck.
    stuckAgent: report.findings.find((finding) => finding.cause === 'vm-agent-unhealthy') ?? null,
  };
}
