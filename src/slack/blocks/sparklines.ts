import sparkline from 'sparkline';
import type { MetricSeries, MetricsFacts } from '../../diagnosis/facts';
import { inlineCode, mrkdwn } from './mrkdwn';

// The platform metrics as one line per series: recorded outside the guest, they still tell the story
// when the machine is too busy or too full to answer, and a sparkline reads at a glance in a thread.

/** At 5-minute points, six hours; older points add width, not insight, during an incident. */
const MAX_POINTS = 72;
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

interface Scale {
  divisor: number;
  unit: string;
}

function scaleFor(unit: string, largest: number): Scale {
  const perSecond = unit.toLowerCase() === 'bytespersecond';
  if (unit.toLowerCase() === 'bytes' || perSecond) {
    let step = 0;
    while (step < BYTE_UNITS.length - 1 && largest >= 1024 ** (step + 1)) step += 1;
    return { divisor: 1024 ** step, unit: `${BYTE_UNITS[step]}${perSecond ? '/s' : ''}` };
  }
  if (unit.toLowerCase() === 'percent') return { divisor: 1, unit: '%' };
  if (unit.toLowerCase() === 'countpersecond') return { divisor: 1, unit: '/s' };
  return { divisor: 1, unit: unit.toLowerCase() === 'count' ? '' : unit };
}

function number(value: number): string {
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return String(rounded);
}

/** ▁ to █ scaled between the series' own min and max; a gap where the platform has no data point. */
function spark(values: readonly (number | null)[], min: number, max: number): string {
  const range = max - min;
  const present = values.filter((v): v is number => v !== null);
  // The package floors its input, so points are spread over 0–100 first to keep fractional series apart.
  const ticks = [
    ...sparkline(
      present.map((v) => (range > 0 ? ((v - min) / range) * 100 : 0)),
      { min: 0, max: 100 },
    ),
  ];
  return values.map((v) => (v === null ? ' ' : (ticks.shift() ?? ' '))).join('');
}

/**
 * A series whose points stay within 5 % of its largest magnitude draws a row of identical ticks: the
 * value says it better than the line.
 */
const FLAT_SHARE = 0.05;

function isFlat(min: number, max: number): boolean {
  return max - min <= FLAT_SHARE * Math.max(Math.abs(min), Math.abs(max));
}

/** `Percentage CPU` ▁▁▂▇███ 12→98 % (min 12, max 98), or `Percentage CPU` flat at 12 % */
export function metricLine(series: MetricSeries): string {
  const values = series.points.slice(-MAX_POINTS).map((p) => p.average);
  const present = values.filter((v): v is number => v !== null);
  const name = inlineCode(series.name, 80);
  if (present.length === 0) return `${name} no data points`;
  const min = Math.min(...present);
  const max = Math.max(...present);
  const scale = scaleFor(series.unit, Math.max(Math.abs(min), Math.abs(max)));
  const show = (v: number) => number(v / scale.divisor);
  const unit = scale.unit ? ` ${mrkdwn(scale.unit, 20)}` : '';
  if (isFlat(min, max)) return `${name} flat at ${show(present[present.length - 1])}${unit}`;
  return (
    `${name} ${spark(values, min, max)} ${show(present[0])}→${show(present[present.length - 1])}${unit} ` +
    `(min ${show(min)}, max ${show(max)})`
  );
}

export function metricLines(metrics: MetricsFacts): string[] {
  return metrics.series.map(metricLine);
}
