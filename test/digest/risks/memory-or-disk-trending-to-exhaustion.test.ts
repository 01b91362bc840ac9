import { memoryOrDiskTrendingToExhaustion } from '../../../src/digest/risks/memory-or-disk-trending-to-exhaustion';
import type { FleetMachine } from '../../../src/digest/machine';
import type { MetricSeries } from '../../../src/diagnosis/facts';
import { healthyMachine, hourly, testRiskRule } from '../support';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const MEMORY = 'Available Memory Bytes';
const IOPS = 'OS Disk IOPS Consumed Percentage';

function withMetrics(...series: MetricSeries[]): FleetMachine {
  return { ...healthyMachine(), metrics: { intervalMinutes: 60, series } };
}

const flat = (value: number, hours = 24) => Array.from({ length: hours }, () => value);
/** From `start` down (or up) by `step` an hour. */
const line = (start: number, step: number, hours = 24) =>
  Array.from({ length: hours }, (_u, i) => start + step * i);

testRiskRule(memoryOrDiskTrendingToExhaustion, {
  fires: [
    {
      name: 'available memory below 256 MiB for the last three hours',
      machine: withMetrics(hourly(MEMORY, [...flat(2 * GiB, 21), 200 * MiB, 150 * MiB, 120 * MiB])),
      evidence: ['Available Memory Bytes below 256 MiB for the last 3 points: 200 MiB, 150 MiB, 120 MiB'],
      advice: 'resize',
    },
    {
      name: 'available memory falling 100 MiB an hour, under the floor within the day',
      machine: withMetrics(hourly(MEMORY, line(3 * GiB, -100 * MiB))),
      evidence: ['Available Memory Bytes falls by 100 MiB an hour: 772 MiB now, below 256 MiB in about 5 h'],
    },
    {
      name: 'OS disk IOPS pinned at the ceiling',
      machine: withMetrics(hourly(MEMORY, flat(4 * GiB)), hourly(IOPS, [...flat(40, 21), 97, 99, 100])),
      evidence: ['OS Disk IOPS Consumed Percentage at or above 95 % for the last 3 points'],
    },
    {
      name: 'OS disk IOPS climbing toward the ceiling',
      machine: withMetrics(hourly(IOPS, line(20, 3))),
      evidence: [
        'OS Disk IOPS Consumed Percentage rises by 3.0 points an hour: 89 % now, at the ceiling in about 4 h',
      ],
    },
  ],
  quiet: [
    { name: 'no metrics read for this machine', machine: healthyMachine() },
    {
      name: 'plenty of memory, steady',
      machine: withMetrics(hourly(MEMORY, flat(4 * GiB)), hourly(IOPS, flat(30))),
    },
    {
      name: 'memory falling slowly: the floor is days away',
      machine: withMetrics(hourly(MEMORY, line(6 * GiB, -20 * MiB))),
    },
    { name: 'memory recovering', machine: withMetrics(hourly(MEMORY, line(300 * MiB, 50 * MiB))) },
    { name: 'a quiet disk with a rising slope', machine: withMetrics(hourly(IOPS, line(2, 2))) },
    {
      name: 'too few points to call a trend',
      machine: withMetrics(hourly(MEMORY, [...Array(20).fill(null), 3 * GiB, 2 * GiB, 1 * GiB, 900 * MiB])),
    },
  ],
});
