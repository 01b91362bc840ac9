import { clock } from './events';
import { optionalFact, type Facts, type MetricSeries, type MetricsFacts } from './facts';

// Reading the platform metrics. They are recorded outside the guest, so they still answer when the
// machine is too busy or too full to answer anything itself.

/** A pressure counts only when it holds this many consecutive data points (15 minutes at PT5M). */
export const SUSTAINED_POINTS = 3;

export interface MetricPoint {
  time: string;
  average: number;
}

/** The series named `name` (Azure Monitor's display name, matched case-insensitively). */
export function findSeries(metrics: MetricsFacts, name: string): MetricSeries | undefined {
  return metrics.series.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

/** The last `count` points that carry data, oldest first; null when the series has fewer. */
export function lastPoints(series: MetricSeries, count: number): MetricPoint[] | null {
  const withData = series.points.filter((p): p is MetricPoint => p.average !== null);
  return withData.length >= count ? withData.slice(-count) : null;
}

/** The last `count` data points when every one is ≥ `threshold`, else null. */
export function sustainedAtLeast(
  series: MetricSeries,
  threshold: number,
  count = SUSTAINED_POINTS,
): MetricPoint[] | null {
  const points = lastPoints(series, count);
  return points?.every((p) => p.average >= threshold) ? points : null;
}

/** The last `count` data points when every one is < `threshold`, else null. */
export function sustainedBelow(
  series: MetricSeries,
  threshold: number,
  count = SUSTAINED_POINTS,
): MetricPoint[] | null {
  const points = lastPoints(series, count);
  return points?.every((p) => p.average < threshold) ? points : null;
}

/** `97 %, 99 %, 100 % from 11:45 to 11:55 UTC` */
export function describePoints(points: readonly MetricPoint[], format: (value: number) => string): string {
  const values = points.map((p) => format(p.average)).join(', ');
  const first = points[0];
  const last = points[points.length - 1];
  return first && last
    ? `${values} from ${clock(first.time).replace(' UTC', '')} to ${clock(last.time)}`
    : values;
}

/** `az monitor metrics list` for this machine over the window the rules read. */
export function metricsCommand(facts: Facts, names: readonly string[]): string {
  const vm = optionalFact(facts, 'vm');
  const interval = optionalFact(facts, 'metrics')?.intervalMinutes ?? 5;
  return [
    'az monitor metrics list',
    `--resource ${vm?.id ?? '<vm-resource-id>'}`,
    `--metrics ${names.map((n) => `"${n}"`).join(' ')}`,
    `--interval PT${interval}M`,
    '--offset 3h',
  ].join(' ');
}
