import {
  describePoints,
  findSeries,
  lastPoints,
  metricsCommand,
  sustainedAtLeast,
  sustainedBelow,
} from '../../src/diagnosis/metrics';
import type { MetricSeries } from '../../src/diagnosis/facts';
import { factsAllFailed, healthyFacts, VM_ID } from '../fixtures/facts';

function series(values: (number | null)[]): MetricSeries {
  return {
    name: 'Percentage CPU',
    unit: 'Percent',
    points: values.map((average, i) => ({
      time: `2026-11-27T11:${String(i * 5).padStart(2, '0')}:00Z`,
      average,
    })),
  };
}

describe('lastPoints', () => {
  it('returns the last points that carry data, skipping gaps', () => {
    expect(lastPoints(series([1, 2, null, 3, null]), 2)?.map((p) => p.average)).toEqual([2, 3]);
  });

  it('returns null when the series has fewer data points', () => {
    expect(lastPoints(series([null, 4, null]), 2)).toBeNull();
  });
});

describe('sustainedAtLeast', () => {
  it.each([
    ['all three at the threshold', [10, 95, 95, 95], true],
    ['a gap inside the window', [96, 97, null, 99], true],
    ['one point below', [99, 94.9, 99, 99], false],
    ['an older point below only', [10, 99, 99, 99], true],
    ['too few points', [null, 99, 99], false],
  ])('%s', (_, values, fires) => {
    expect(sustainedAtLeast(series(values as (number | null)[]), 95) !== null).toBe(fires);
  });
});

describe('sustainedBelow', () => {
  it.each([
    ['all three below', [900, 100, 120, 80], true],
    ['one point at the threshold', [100, 256, 120], false],
    ['too few points', [null, 1, 1], false],
  ])('%s', (_, values, fires) => {
    expect(sustainedBelow(series(values as (number | null)[]), 256) !== null).toBe(fires);
  });
});

describe('findSeries', () => {
  it('matches the display name case-insensitively', () => {
    const metrics = { intervalMinutes: 5, series: [series([1])] };
    expect(findSeries(metrics, 'percentage cpu')?.name).toBe('Percentage CPU');
    expect(findSeries(metrics, 'Available Memory Bytes')).toBeUndefined();
  });
});

describe('describePoints', () => {
  it('names the values and the window', () => {
    const points = lastPoints(series([97, 99, 100]), 3) ?? [];
    expect(describePoints(points, (v) => `${v} %`)).toBe('97 %, 99 %, 100 % from 11:00 to 11:10 UTC');
  });
});

describe('metricsCommand', () => {
  it("lists this VM's metrics over the last three hours", () => {
    expect(metricsCommand(healthyFacts(), ['Percentage CPU'])).toBe(
      `az monitor metrics list --resource ${VM_ID} --metrics "Percentage CPU" --interval PT5M --offset 3h`,
    );
  });

  it('still names a command when the VM fact is missing', () => {
    expect(metricsCommand(factsAllFailed(), ['A', 'B'])).toBe(
      'az monitor metrics list --resource <vm-resource-id> --metrics "A" "B" --interval PT5M --offset 3h',
    );
  });
});
