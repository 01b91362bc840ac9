import { LAYERS } from '../../diagnosis/facts';
import type { Report } from '../../diagnosis/report';
import type { LiveDiagnosis } from './types';

/** A finished run's message state rebuilt from its report (after a restart, or to re-rank it). */
export function finishedDiagnosis(
  runId: string,
  report: Report,
  requestedBy: string[],
  portal: string,
): LiveDiagnosis {
  return {
    runId,
    portal,
    target: report.vm.name,
    requestedBy,
    request: { symptom: report.symptom, source: report.source, host: null },
    startedAt: report.startedAt,
    vm: report.vm,
    layers: Object.fromEntries(
      LAYERS.map((layer) => [layer, report.checks.filter((c) => c.layer === layer)]),
    ),
    findings: Object.fromEntries(
      LAYERS.map((layer) => [layer, report.findings.filter((f) => f.layer === layer)]),
    ),
    settled: report.verdict,
    report,
  };
}
