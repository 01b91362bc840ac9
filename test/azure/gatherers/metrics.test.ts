import { METRIC_NAMES, metricsGatherer } from '../../../src/azure/gatherers/metrics';
import { NOW, VM_ID, context, replay } from '../arm-replay';

// The shape of GetMetric.json (2018-01-01), for the VM's own metrics: no dimensions, so one time series each.
function metric(name: string, localizedValue: string, unit: string, averages: (number | null)[]) {
  return {
    id: `${VM_ID}/providers/Microsoft.Insights/metrics/${name}`,
    type: 'Microsoft.Insights/metrics',
    name: { value: name, localizedValue },
    displayDescription: '',
    unit,
    timeseries: [
      {
        metadatavalues: [],
        data: averages.map((average, i) => ({
          timeStamp: new Date(NOW.getTime() - (averages.length - i) * 5 * 60_000).toISOString(),
          ...(average === null ? {} : { average }),
        })),
      },
    ],
    errorCode: 'Success',
  };
}

const body = {
  cost: 0,
  timespan: '2026-11-27T09:00:00Z/2026-11-27T12:00:00Z',
  interval: 'PT5M',
  value: [
    metric('Percentage CPU', 'Percentage CPU', 'Percent', [97.5, 99.1, null]),
    metric('Available Memory Bytes', 'Available Memory Bytes', 'Bytes', [104857600, 52428800, 31457280]),
    {
      ...metric('OS Disk IOPS Consumed Percentage', 'OS Disk IOPS Consumed Percentage', 'Percent', []),
      timeseries: [],
    },
  ],
  namespace: 'Microsoft.Compute/virtualMachines',
  resourceregion: 'westeurope',
};

describe('metricsGatherer', () => {
  it('asks for the last three hours of averages at 5 minutes, on the VM itself', async () => {
    const fake = replay([{ method: 'GET', path: `${VM_ID}/providers/Microsoft.Insights/metrics`, body }]);
    await metricsGatherer.gather(context(fake));
    const { url } = fake.sent[0];
    expect(url.pathname).toBe(`${VM_ID}/providers/Microsoft.Insights/metrics`);
    expect(url.searchParams.get('timespan')).toBe('2026-11-27T09:00:00.000Z/2026-11-27T12:00:00.000Z');
    expect(url.searchParams.get('interval')).toBe('PT5M');
    expect(url.searchParams.get('metricnames')).toBe(METRIC_NAMES.join(','));
    expect(url.searchParams.get('aggregation')).toBe('Average');
  });

  it('keeps each series oldest first, with missing points as null', async () => {
    const fake = replay([{ method: 'GET', path: `${VM_ID}/providers/Microsoft.Insights/metrics`, body }]);
    const facts = await metricsGatherer.gather(context(fake));
    expect(facts.intervalMinutes).toBe(5);
    expect(facts.series[0]).toEqual({
      name: 'Percentage CPU',
      unit: 'Percent',
      points: [
        { time: '2026-11-27T11:45:00.000Z', average: 97.5 },
        { time: '2026-11-27T11:50:00.000Z', average: 99.1 },
        { time: '2026-11-27T11:55:00.000Z', average: null },
      ],
    });
    expect(facts.series[1].points.map((p) => p.average)).toEqual([104857600, 52428800, 31457280]);
    expect(facts.series[2]).toEqual({
      name: 'OS Disk IOPS Consumed Percentage',
      unit: 'Percent',
      points: [],
    });
  });
});
