import { cpuSaturated } from '../../../../src/diagnosis/causes/guest/cpu-saturated';
import {
  failed,
  healthyFacts,
  metricEndingWith,
  testCauseRule,
  VM_ID,
  linuxFacts,
} from '../../../fixtures/facts';

const CPU = 'Percentage CPU';

testCauseRule(cpuSaturated, {
  fires: [
    {
      name: 'pinned at exactly 95 % for three points',
      facts: metricEndingWith(CPU, [95, 95, 95]),
      summary: ['pinned', 'last 15 minutes'],
      evidence: [
        'Percentage CPU at or above 95 % for the last 3 points: 95 %, 95 %, 95 % from 11:45 to 11:55 UTC',
        'Largest stoppable process: w3wp (pid 4120), 600 MiB working set',
      ],
      fixes: ['stop-process', 'restart-vm'],
    },
    {
      name: 'pinned, with a gap in the data',
      facts: metricEndingWith(CPU, [99, 100, null, 98]),
      summary: ['pinned'],
      evidence: ['99 %, 100 %, 98 %'],
      fixes: ['stop-process', 'restart-vm'],
    },
    {
      name: 'pinned, and Run Command could not answer',
      facts: { ...metricEndingWith(CPU, [100, 100, 100]), guest: failed('Run Command timed out after 90 s') },
      summary: ['pinned'],
      evidence: ['100 %, 100 %, 100 %'],
      fixes: ['restart-vm'],
    },
  ],
  quiet: [
    { name: 'idle', facts: healthyFacts() },
    { name: 'one point at 94.9 %', facts: metricEndingWith(CPU, [99, 94.9, 99]) },
    { name: 'busy only earlier', facts: metricEndingWith(CPU, [100, 100, 100, 30, 30, 30]) },
    {
      name: 'too few recent data points',
      facts: metricEndingWith(CPU, [
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        99,
        99,
      ]),
    },
  ],
});

describe('cpu-saturated on any machine', () => {
  it('does not apply to a Linux VM', () => {
    expect(cpuSaturated.notApplicable?.(linuxFacts())).toBe('Linux machine: RDP does not apply');
  });

  it('confirms from the platform metrics', () => {
    expect(cpuSaturated.confirm(healthyFacts())).toBe(
      `az monitor metrics list --resource ${VM_ID} --metrics "Percentage CPU" --interval PT5M --offset 3h`,
    );
  });
});
