import { API_VERSIONS } from '../arm/api-versions';
import { ArmError, badRequest, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { stableFraction } from '../stable-hash';
import type { MetricProfile, VirtualMachine } from '../world';

// Azure Monitor platform metrics for VMs (GET {resourceUri}/providers/Microsoft.Insights/metrics). Series
// are generated from the VM's metric profile for any timespan and interval, with a small deterministic
// wobble, and no data points while the machine is stopped or deallocated.

interface MetricDefinition {
  unit: string;
  value(profile: MetricProfile): number;
  percent: boolean;
}

const METRICS: Record<string, MetricDefinition> = {
  'Percentage CPU': { unit: 'Percent', value: (p) => p.cpuPercent, percent: true },
  'Available Memory Bytes': { unit: 'Bytes', value: (p) => p.availableMemoryBytes, percent: false },
  'OS Disk IOPS Consumed Percentage': {
    unit: 'Percent',
    value: (p) => p.osDiskIopsConsumedPercent,
    percent: true,
  },
  'OS Disk Bandwidth Consumed Percentage': {
    unit: 'Percent',
    value: (p) => p.osDiskBandwidthConsumedPercent,
    percent: true,
  },
};

const AGGREGATIONS = ['Average', 'Minimum', 'Maximum', 'Total', 'Count'];

/** ISO 8601 durations as Monitor takes them: PT1M, PT5M, PT1H, P1D. */
function durationMs(text: string): number | null {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

function timespan(text: string | null, now: number): [number, number] {
  if (!text) return [now - 3_600_000, now];
  const invalid = badRequest(
    'BadRequest',
    `Invalid timespan '${text}': use start/end in ISO 8601, e.g. 2026-01-01T00:00:00Z/2026-01-01T03:00:00Z.`,
  );
  const [first, second] = text.split('/');
  if (second === undefined) {
    const length = durationMs(first);
    if (length === null) throw invalid;
    return [now - length, now];
  }
  const start = Date.parse(first);
  const length = durationMs(second);
  const end = length !== null ? start + length : Date.parse(second);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) throw invalid;
  return [start, end];
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function point(
  vm: VirtualMachine,
  definition: MetricDefinition,
  name: string,
  time: number,
  aggregations: string[],
) {
  const offline = vm.offlineSince !== null && time >= vm.offlineSince;
  if (offline || time < Date.parse(vm.timeCreated)) return { timeStamp: isoSeconds(time) };
  const wobble = stableFraction(`${vm.id}|${name}|${time}`) - 0.5;
  const base = definition.value(vm.metrics);
  const value = definition.percent
    ? Math.min(100, Math.max(0, base + wobble))
    : Math.max(0, base * (1 + wobble * 0.02));
  const rounded = Math.round(value * 100) / 100;
  const values: Record<string, number> = {
    average: rounded,
    minimum: rounded,
    maximum: rounded,
    total: rounded,
    count: 1,
  };
  return {
    timeStamp: isoSeconds(time),
    ...Object.fromEntries(
      aggregations.map((aggregation) => [aggregation.toLowerCase(), values[aggregation.toLowerCase()]]),
    ),
  };
}

function listMetrics(ctx: RouteContext) {
  const vm = ctx.world.vms.get(ctx.params.resourceUri);
  if (!vm) {
    throw new ArmError(404, 'ResourceNotFound', `The resource '${ctx.params.resourceUri}' was not found.`);
  }
  const names = (ctx.query.get('metricnames') ?? 'Percentage CPU').split(',').map((name) => name.trim());
  const known = names.map((name) =>
    Object.keys(METRICS).find((key) => key.toLowerCase() === name.toLowerCase()),
  );
  const unknown = names.find((_name, i) => known[i] === undefined);
  if (unknown !== undefined) {
    throw badRequest(
      'BadRequest',
      `Failed to find metric configuration for provider: Microsoft.Compute, resource Type: virtualMachines, metric: ${unknown}, Valid metrics: ${Object.keys(METRICS).join(',')}`,
    );
  }
  const aggregations = (ctx.query.get('aggregation') ?? 'Average').split(',').map((a) => a.trim());
  const badAggregation = aggregations.find(
    (a) => !AGGREGATIONS.some((known) => known.toLowerCase() === a.toLowerCase()),
  );
  if (badAggregation) {
    throw badRequest(
      'BadRequest',
      `Unknown aggregation '${badAggregation}': use ${AGGREGATIONS.join(', ')}.`,
    );
  }
  const [start, end] = timespan(ctx.query.get('timespan'), ctx.world.now());
  const interval = ctx.query.get('interval') ?? 'PT1M';
  const step = durationMs(interval);
  if (!step) {
    throw badRequest('BadRequest', `Invalid interval '${interval}': use an ISO 8601 duration such as PT5M.`);
  }
  const times: number[] = [];
  for (let time = Math.floor(start / step) * step; time < end; time += step) times.push(time);
  const canonical = known as string[];
  return ok({
    cost: times.length * canonical.length,
    timespan: `${isoSeconds(start)}/${isoSeconds(end)}`,
    interval,
    value: canonical.map((name) => ({
      id: `${vm.id}/providers/Microsoft.Insights/metrics/${name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: name, localizedValue: name },
      unit: METRICS[name].unit,
      timeseries: [
        { metadatavalues: [], data: times.map((time) => point(vm, METRICS[name], name, time, aggregations)) },
      ],
      errorCode: 'Success',
    })),
    namespace: 'Microsoft.Compute/virtualMachines',
    resourceregion: vm.location,
  });
}

export const metricRoutes: Route[] = [
  {
    method: 'GET',
    path: '/{*resourceUri}/providers/Microsoft.Insights/metrics',
    apiVersions: API_VERSIONS.metrics,
    handle: listMetrics,
  },
];
