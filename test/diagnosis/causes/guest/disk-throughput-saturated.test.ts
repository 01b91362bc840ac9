import { diskThroughputSaturated } from '../../../../src/diagnosis/causes/guest/disk-throughput-saturated';
import { healthyFacts, linuxFacts, metricEndingWith, testCauseRule } from '../../../fixtures/facts';

const IOPS = 'OS Disk IOPS Consumed Percentage';
const BANDWIDTH = 'OS Disk Bandwidth Consumed Percentage';

testCauseRule(diskThroughputSaturated, {
  fires: [
    {
      name: 'IOPS at the ceiling',
      facts: metricEndingWith(IOPS, [95, 100, 100]),
      summary: ['IOPS ceiling'],
      evidence: [
        'OS Disk IOPS Consumed Percentage at or above 95 % for the last 3 points: 95 %, 100 %, 100 %',
      ],
      advice: 'faster tier',
    },
    {
      name: 'both IOPS and bandwidth at the ceiling',
      facts: metricEndingWith(BANDWIDTH, [99, 99, 99], metricEndingWith(IOPS, [97, 98, 99])),
      summary: ['IOPS and throughput ceiling'],
      evidence: [IOPS, 'OS Disk Bandwidth Consumed Percentage at or above 95 %'],
      advice: 'reduce the load',
    },
  ],
  quiet: [
    { name: 'a quiet disk', facts: healthyFacts() },
    { name: 'one point at 94 %', facts: metricEndingWith(BANDWIDTH, [100, 94, 100]) },
  ],
});

describe('disk-throughput-saturated on any machine', () => {
  it('does not apply to a Linux VM', () => {
    expect(diskThroughputSaturated.notApplicable?.(linuxFacts())).toBe('Linux machine: RDP does not apply');
  });

  it('confirms both OS disk metrics', () => {
    expect(diskThroughputSaturated.confirm(healthyFacts())).toContain(`--metrics "${IOPS}" "${BANDWIDTH}"`);
  });
});
