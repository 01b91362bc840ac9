import { layerName } from '../diagnosis/engine';
import { incompleteDiagnosis } from '../diagnosis/incomplete';
import type { Check, LayerState, ProvisionalVerdict, Report } from '../diagnosis/report';

// The report as a terminal reads it: layer by layer along the path, then the verdict, the evidence and
// the `az` command that confirms each finding by hand.

const MARK: Record<Check['status'], string> = {
  pass: 'ok  ',
  fail: 'FAIL',
  warn: 'warn',
  error: 'ERR ',
  skipped: 'skip',
};

/** What the layer's passing checks looked at: `NSG rules and IP flow, public IP, routes`. */
function checkedLabels(checks: readonly Check[]): string {
  return checks
    .filter((c) => c.status === 'pass' || c.status === 'warn')
    .map((c) => c.label)
    .join(', ');
}

export function layerLine(state: LayerState, checks: readonly Check[]): string {
  const { layer } = state;
  const failed = checks.filter((c) => c.status === 'fail');
  const text: Record<LayerState['status'], () => string> = {
    failing: () => `FAIL ${failed.map((c) => c.title).join('; ')}`,
    clean: () => `clean (${checkedLabels(checks)})`,
    incomplete: () => `incomplete: ${state.reason} (clean: ${checkedLabels(checks)})`,
    'not-checked': () => `not checked: ${state.reason}`,
    'not-applicable': () => `not applicable${state.reason ? `: ${state.reason}` : ''}`,
  };
  return `${layer.padEnd(9)} ${layerName(layer)}: ${text[state.status]()}`;
}

/** `network   the network path: provisional, NSG … denies …`: shown while effective rules and IP flow verify run. */
export function provisionalLine(verdict: ProvisionalVerdict): string {
  const word = verdict.access === 'Deny' ? 'FAIL' : 'open';
  return `${verdict.layer.padEnd(9)} ${layerName(verdict.layer)}: provisional ${word}, from the NSG rules as written: ${verdict.summary}`;
}

/** `portal`: the Azure portal of the configured cloud, where an incomplete report's next steps link to. */
export function renderText(report: Report, portal: string): string {
  const { vm } = report;
  const lines = [
    `${vm.name} (${vm.resourceGroup}, ${vm.location}) · ${vm.osType} · ${vm.powerState}`,
    `symptom: ${report.symptom}${report.source ? ` · from ${report.source}` : ''}`,
    '',
  ];
  for (const state of report.layers)
    lines.push(
      layerLine(
        state,
        report.checks.filter((c) => c.layer === state.layer),
      ),
    );
  lines.push(
    '',
    `VERDICT: ${report.verdict.layer === 'none' ? 'no failing layer' : report.verdict.layer} — ${report.verdict.summary}`,
  );

  if (report.provisional) {
    const { provisional } = report;
    lines.push(
      `Provisional network verdict at ${(provisional.elapsedMs / 1000).toFixed(1)} s (NSG rules as written): ` +
        `${provisional.summary} ${provisional.note ?? ''}`.trimEnd(),
    );
  }

  const deciding = report.findings.filter((f) => report.verdict.causes.includes(f.cause));
  const warnings = report.findings.filter((f) => f.severity !== 'critical');
  for (const finding of deciding) {
    const check = report.checks.find((c) => c.id === finding.cause);
    lines.push('', `[${finding.cause}] ${finding.summary}`);
    for (const item of finding.evidence) lines.push(`  evidence: ${item}`);
    if (check) lines.push(`  confirm:  ${check.confirm}`);
    if (finding.fixes.length) lines.push(`  fixes:    ${finding.fixes.join(', ')}`);
    if (finding.advice) lines.push(`  advice:   ${finding.advice}`);
    for (const link of finding.links) lines.push(`  portal:   ${link.label}: ${link.url}`);
  }
  if (warnings.length) {
    lines.push('', 'Risks (not the outage):');
    for (const w of warnings) lines.push(`  ${MARK.warn} ${w.cause}: ${w.summary}`);
  }
  const errored = report.checks.filter((c) => c.status === 'error');
  if (errored.length) {
    lines.push('', 'Could not check:');
    for (const c of errored)
      lines.push(`  ${MARK.error} ${c.id}: ${c.summary.replace(/^Could not check: /, '')}`);
  }
  const incomplete = incompleteDiagnosis(report, portal);
  if (incomplete) {
    lines.push('', 'Next steps:');
    lines.push(
      `  See what the guest shows without the agent: ${incomplete.console.map((l) => `${l.label} ${l.url}`).join(' · ')}`,
    );
    if (incomplete.stuckAgent)
      lines.push(
        '  Run Command did not answer though the VM agent was not reported down: the agent or Windows is stuck.',
        '  From the serial console, restart WindowsAzureGuestAgent and RdAgent; if it does not answer either,',
        '  restart the VM (fix restart-vm, proposed and approved in Slack).',
      );
    const asked = [
      ...(report.symptom === 'unknown' ? [] : [`--symptom ${report.symptom}`]),
      ...(report.source ? [`--from ${report.source}`] : []),
    ];
    lines.push(
      '  Run it again (a check that timed out often answers the second time): ' +
        ['rdp-doctor diagnose', vm.id, ...asked].join(' '),
    );
  }
  const clean = report.verdict.layer === 'none' && errored.length === 0;
  if (clean && (report.source === null || report.symptom === 'unknown')) {
    const from = report.source ?? '<your ip>';
    const symptom = report.symptom === 'unknown' ? '<symptom>' : report.symptom;
    lines.push('', `Next step: rdp-doctor diagnose ${vm.name} --from ${from} --symptom ${symptom}`);
  }
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  lines.push('', `${report.checks.length} checks in ${seconds.toFixed(1)} s`);
  return lines.join('\n');
}
