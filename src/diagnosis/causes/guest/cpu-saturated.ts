import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';
import {
  describePoints,
  findSeries,
  metricsCommand,
  sustainedAtLeast,
  SUSTAINED_POINTS,
} from '../../metrics';
import { describeProcess, heaviestProcess, windowsOnly } from '../guest-probe';

const PINNED_PERCENT = 95;
const CPU = 'Percentage CPU';

export const cpuSaturated: CauseRule = {
  id: 'cpu-saturated',
  layer: 'guest',
  title: 'The CPU is pinned',
  label: 'CPU',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['metrics'],
  uses: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => metricsCommand(facts, [CPU]),
  clean: `${CPU} stayed below ${PINNED_PERCENT} % recently.`,
  detect(facts) {
    const metrics = factValue(facts, 'metrics');
    const series = findSeries(metrics, CPU);
    const pinned = series && sustainedAtLeast(series, PINNED_PERCENT);
    if (!pinned) return null;
    const top = heaviestProcess(optionalFact(facts, 'guest'));
    const minutes = SUSTAINED_POINTS * metrics.intervalMinutes;
    return {
      summary: `The CPU has been pinned at ${PINNED_PERCENT} % or more for the last ${minutes} minutes: the machine accepts the connection but cannot serve the session.`,
      evidence: [
        `${CPU} at or above ${PINNED_PERCENT} % for the last ${SUSTAINED_POINTS} points: ${describePoints(pinned, (v) => `${Math.round(v)} %`)}`,
        ...(top ? [describeProcess(top)] : []),
      ],
      fixes: top ? ['stop-process', 'restart-vm'] : ['restart-vm'],
      advice: 'Stop the runaway process, or resize the VM if the workload genuinely outgrew it.',
    };
  },
};
