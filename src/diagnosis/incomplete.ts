import { causes } from './causes';
import { reasonNotChecked } from './layers';
import { resourceLink } from './portal-links';
import type { PortalLink, Report } from './report';

// An incomplete diagnosis: no failing layer found while some checks could not run, so the verdict may
// hide behind what is missing (the CLI exits 3). What a person does next to see past it: the guest's
// console, the agent when Run Command did not answer, and a second run.

/** Why a fact's gatherer gave up: its timeout passed. */
export function timedOutReason(timeoutMs: number): string {
  return `no answer within ${Math.round(timeoutMs / 1000)} s; Azure may still be working on it`;
}

const TIMED_OUT = /^no answer within \d+ s/;

/** The checks that read the guest probe: all of them go missing when Run Command does not answer. */
const GUEST_PROBE_CHECKS = new Set<string>(
  causes.filter((rule) => rule.needs.includes('guest')).map((rule) => rule.id),
);

export interface IncompleteDiagnosis {
  /** Where a person sees what the guest is doing without the agent: boot diagnostics, serial console. */
  console: PortalLink[];
  /**
   * Run Command gave no answer in time while the VM agent was not reported down: the agent or Windows
   * itself is stuck (the serial console tells which; a restart clears either).
   */
  guestUnanswered: boolean;
}

/**
 * Where to look next when a report is incomplete (the checks that could not run are listed with the
 * report itself); null for a report with a verdict, or one whose every check ran.
 */
export function incompleteDiagnosis(report: Report, portal: string): IncompleteDiagnosis | null {
  if (report.verdict.layer !== 'none') return null;
  const errored = report.checks.filter((check) => check.status === 'error');
  if (errored.length === 0) return null;
  const agentUp = report.checks.some((check) => check.id === 'vm-agent-unhealthy' && check.status === 'pass');
  const probeTimedOut = errored.some(
    (check) => GUEST_PROBE_CHECKS.has(check.id) && TIMED_OUT.test(reasonNotChecked(check)),
  );
  return {
    console: [
      { label: 'Boot diagnostics', url: resourceLink(portal, report.vm.id, 'bootDiagnostics') },
      { label: 'Serial console', url: resourceLink(portal, report.vm.id, 'serialConsole') },
    ],
    guestUnanswered: agentUp && probeTimedOut,
  };
}
