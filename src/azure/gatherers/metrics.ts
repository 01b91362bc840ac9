import type { MetricsListResponse } from '@azure/arm-monitor';
import type { MetricsFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { SECOND } from './common';

// The platform's own counters for the last three hours: they are recorded outside the guest, so they
// answer even when the machine is too starved to run Run Command.

export const METRIC_NAMES = [
  'Percentage CPU',
  'Available Memory Bytes',
  'OS Disk IOPS Consumed Percentage',
  'OS Disk Bandwidth Consumed Percentage',
];
const INTERVAL_MINUTES = 5;
const WINDOW_MS = 3 * 60 * 60 * 1000;

/** `2026-11-27T09:00:00.000Z/2026-11-27T12:00:00.000Z`: the last three hours before `now`. */
export function metricsTimespan(now: Date): string {
  return `${new Date(now.getTime() - WINDOW_MS).toISOString()}/${now.toISOString()}`;
}

/**
 * One series per metric; with no dimension filter Azure returns one time series per metric (none when it
 * has no data at all). ARM may omit lists the SDK types call required.
 */
export function metricsFactsOf(response: MetricsListResponse): MetricsFacts {
  return {
    intervalMinutes: INTERVAL_MINUTES,
    series: (response.value ?? []).map((metric) => ({
      name: metric.name.value,
      unit: metric.unit,
      points: ((metric.timeseries ?? [])[0]?.data ?? []).map((point) => ({
        time: new Date(point.timeStamp).toISOString(),
        average: point.average ?? null,
      })),
    })),
  };
}

export const metricsGatherer: Gatherer<'metrics'> = {
  key: 'metrics',
  timeoutMs: 20 * SECOND,
  async gather({ sub, vm, now, signal }) {
    // The SDK puts the resource id after a `/` of its own.
    const resourceUri = vm.id.replace(/^\/+/, '');
    const response = await callAzure('Azure Monitor metrics', () =>
      sub.monitor.metrics.list(resourceUri, {
        timespan: metricsTimespan(now),
        interval: `PT${INTERVAL_MINUTES}M`,
        metricnames: METRIC_NAMES.join(','),
        aggregation: 'Average',
        abortSignal: signal,
      }),
    );
    return metricsFactsOf(response);
  },
};
