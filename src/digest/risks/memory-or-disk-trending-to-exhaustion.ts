import type { MetricSeries } from '../../diagnosis/facts';
import { formatBytes } from '../../diagnosis/causes/guest-probe';
import {
  describePoints,
  findSeries,
  sustainedAtLeast,
  sustainedBelow,
  SUSTAINED_POINTS,
  type MetricPoint,
} from '../../diagnosis/metrics';
import type { RiskRule } from '../risk';

// The guide's resource alert: a machine trending toward memory exhaustion or a saturated disk announces
// itself in the platform metrics well before sessions break. A trend is a least-squares line over the
// window; it counts when it reaches the limit within the horizon.

const MEMORY = 'Available Memory Bytes';
const MEMORY_FLOOR_BYTES = 256 * 2 ** 20;
const DISK_CEILINGS = ['OS Disk IOPS Consumed Percentage', 'OS Disk Bandwidth Consumed Percentage'];
const DISK_SATURATED_PERCENT = 95;
/** A disk counts as trending only once it is this busy: a quiet disk's slope means nothing. */
const DISK_TRENDING_FROM_PERCENT = 70;
const HORIZON_HOURS = 24;
const MIN_TREND_POINTS = 6;
const HOUR_MS = 3_600_000;

interface Trend {
  latest: MetricPoint;
  perHour: number;
}

function trendOf(series: MetricSeries): Trend | null {
  const points = series.points.filter((p): p is MetricPoint => p.average !== null);
  if (points.length < MIN_TREND_POINTS) return null;
  const xs = points.map((p) => Date.parse(p.time) / HOUR_MS);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = points.reduce((sum, p) => sum + p.average, 0) / points.length;
  let covariance = 0;
  let variance = 0;
  points.forEach((p, i) => {
    covariance += (xs[i] - meanX) * (p.average - meanY);
    variance += (xs[i] - meanX) ** 2;
  });
  if (variance === 0) return null;
  return { latest: points[points.length - 1], perHour: covariance / variance };
}

/** Hours until the line from the latest point reaches `limit`, or null when it heads away from it. */
function hoursTo(trend: Trend, limit: number): number | null {
  const distance = limit - trend.latest.average;
  if (trend.perHour === 0 || Math.sign(distance) !== Math.sign(trend.perHour)) return null;
  return distance / trend.perHour;
}

function memoryEvidence(series: MetricSeries): string | null {
  const low = sustainedBelow(series, MEMORY_FLOOR_BYTES);
  if (low) {
    return `${MEMORY} below ${formatBytes(MEMORY_FLOOR_BYTES)} for the last ${SUSTAINED_POINTS} points: ${describePoints(low, formatBytes)}`;
  }
  const trend = trendOf(series);
  const hours = trend && hoursTo(trend, MEMORY_FLOOR_BYTES);
  if (!trend || hours === null || hours > HORIZON_HOURS) return null;
  return (
    `${MEMORY} falls by ${formatBytes(-trend.perHour)} an hour: ${formatBytes(trend.latest.average)} now, ` +
    `below ${formatBytes(MEMORY_FLOOR_BYTES)} in about ${Math.max(1, Math.round(hours))} h`
  );
}

function diskEvidence(series: MetricSeries): string | null {
  const percent = (value: number) => `${Math.round(value)} %`;
  const saturated = sustainedAtLeast(series, DISK_SATURATED_PERCENT);
  if (saturated) {
    return `${series.name} at or above ${DISK_SATURATED_PERCENT} % for the last ${SUSTAINED_POINTS} points: ${describePoints(saturated, percent)}`;
  }
  const trend = trendOf(series);
  const hours = trend && hoursTo(trend, 100);
  if (
    !trend ||
    hours === null ||
    hours > HORIZON_HOURS ||
    trend.latest.average < DISK_TRENDING_FROM_PERCENT
  ) {
    return null;
  }
  return (
    `${series.name} rises by ${trend.perHour.toFixed(1)} points an hour: ${percent(trend.latest.average)} now, ` +
    `at the ceiling in about ${Math.max(1, Math.round(hours))} h`
  );
}

export const memoryOrDiskTrendingToExhaustion: RiskRule = {
  id: 'memory-or-disk-trending-to-exhaustion',
  title: 'Memory or OS disk heading for exhaustion',
  guide: 'How to prevent the next RDP outage',
  severity: 'warning',
  detect(machine) {
    if (!machine.metrics) return null;
    const memory = findSeries(machine.metrics, MEMORY);
    const evidence = [
      memory ? memoryEvidence(memory) : null,
      ...DISK_CEILINGS.map((name) => {
        const series = findSeries(machine.metrics!, name);
        return series ? diskEvidence(series) : null;
      }),
    ].filter((line): line is string => line !== null);
    if (evidence.length === 0) return null;
    return {
      evidence,
      advice:
        'Find what grows before sessions fail (Run Command: the top processes and the system drive), then resize the ' +
        'machine, give the OS disk a faster tier, or clear space; an alert on these counters catches the next one.',
    };
  },
};
