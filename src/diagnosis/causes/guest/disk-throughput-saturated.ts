import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import {
  describePoints,
  findSeries,
  metricsCommand,
  sustainedAtLeast,
  SUSTAINED_POINTS,
} from '../../metrics';
import { joinNames, windowsOnly } from '../guest-probe';

const SATURATED_PERCENT = 95;
const CEILINGS = [
  { metric: 'OS Disk IOPS Consumed Percentage', ceiling: 'IOPS' },
  { metric: 'OS Disk Bandwidth Consumed Percentage', ceiling: 'throughput' },
];

export const diskThroughputSaturated: CauseRule = {
  id: 'disk-throughput-saturated',
  layer: 'guest',
  title: 'The OS disk is at its IOPS or throughput ceiling',
  label: 'OS disk throughput',
  guide: 'What the platform metrics tell you from outside the machine',
  severity: 'critical',
  needs: ['metrics'],
  notApplicable: windowsOnly,
  confirm: (facts) =>
    metricsCommand(
      facts,
      CEILINGS.map((c) => c.metric),
    ),
  clean: 'The OS disk has IOPS and throughput to spare.',
  detect(facts) {
    const metrics = factValue(facts, 'metrics');
    const saturated = CEILINGS.flatMap(({ metric, ceiling }) => {
      const series = findSeries(metrics, metric);
      const points = series && sustainedAtLeast(series, SATURATED_PERCENT);
      return points ? [{ metric, ceiling, points }] : [];
    });
    if (saturated.length === 0) return null;
    return {
      summary: `The OS disk is at its ${joinNames(saturated.map((s) => s.ceiling))} ceiling: the machine is up but so slow that sessions time out or paint at a crawl.`,
      evidence: saturated.map(
        (s) =>
          `${s.metric} at or above ${SATURATED_PERCENT} % for the last ${SUSTAINED_POINTS} points: ${describePoints(s.points, (v) => `${Math.round(v)} %`)}`,
      ),
      advice:
        'Give the OS disk more performance (a faster tier such as Premium SSD, or a larger size with higher IOPS and MB/s limits), or reduce the load on it.',
    };
  },
};
