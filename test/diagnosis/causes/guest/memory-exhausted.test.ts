import { memoryExhausted } from '../../../../src/diagnosis/causes/guest/memory-exhausted';
import type { Facts } from '../../../../src/diagnosis/facts';
import {
  failed,
  guestWith,
  healthyFacts,
  metricEndingWith,
  testCauseRule,
  testWindowsGuestRule,
  VM_ID,
} from '../../../fixtures/facts';

const GIB = 2 ** 30;
const MIB = 2 ** 20;
const AVAILABLE = 'Available Memory Bytes';

/** Guest memory with `freeBytes` of 8 GiB free and a runaway java holding most of it. */
function guestFree(freeBytes: number, base?: Facts): Facts {
  return guestWith((g) => {
    g.resources!.memory = { totalBytes: 8 * GIB, freeBytes };
    g.resources!.topProcesses = [
      { name: 'lsass', pid: 700, workingSetBytes: 7.5 * GIB },
      { name: 'java', pid: 5120, workingSetBytes: 7.1 * GIB },
      { name: 'w3wp', pid: 4120, workingSetBytes: 300 * MIB },
    ];
  }, base);
}

function withoutGuest(facts: Facts): Facts {
  return { ...facts, guest: failed('Run Command timed out after 90 s') };
}

testCauseRule(memoryExhausted, {
  fires: [
    {
      name: 'guest free memory just under 5 %',
      facts: guestFree(0.049 * 8 * GIB),
      summary: ['out of memory', 'java (pid 5120)', '7.1 GiB'],
      evidence: [
        'Guest free memory: 401 MiB of 8.0 GiB (4.9 %)',
        'Largest stoppable process: java (pid 5120), 7.1 GiB working set',
      ],
      fixes: ['stop-process', 'restart-vm'],
    },
    {
      name: 'Available Memory Bytes under 256 MiB for the last three points',
      facts: guestFree(2 * GIB, metricEndingWith(AVAILABLE, [255 * MIB, 120 * MIB, 80 * MIB])),
      summary: ['java (pid 5120)'],
      evidence: [
        'Available Memory Bytes below 256 MiB for the last 3 points: 255 MiB, 120 MiB, 80 MiB from 11:45 to 11:55 UTC',
      ],
      fixes: ['stop-process', 'restart-vm'],
    },
    {
      name: 'metrics alone when Run Command could not answer',
      facts: withoutGuest(metricEndingWith(AVAILABLE, [100 * MIB, 90 * MIB, 80 * MIB])),
      summary: ['out of memory'],
      evidence: ['Available Memory Bytes below 256 MiB'],
      fixes: ['restart-vm'],
    },
  ],
  quiet: [
    { name: 'memory to spare', facts: healthyFacts() },
    { name: 'guest free memory exactly 5 %', facts: guestFree(0.05 * 8 * GIB) },
    {
      name: 'one recent point at 256 MiB',
      facts: metricEndingWith(AVAILABLE, [100 * MIB, 256 * MIB, 80 * MIB]),
    },
    {
      name: 'low only in older points',
      facts: metricEndingWith(AVAILABLE, [100 * MIB, 100 * MIB, 100 * MIB, 4 * GIB, 4 * GIB, 4 * GIB]),
    },
    {
      name: 'the memory sub-probe failed and the metrics are healthy',
      facts: guestWith((g) => {
        g.resources = null;
      }),
    },
  ],
});

testWindowsGuestRule(memoryExhausted, 'Get-Process | Sort-Object WorkingSet64 -Descending');

it('passes the PowerShell $_ through the shell intact', () => {
  expect(memoryExhausted.confirm(healthyFacts())).toContain("@{n='MB';e={[int](\\$_.WorkingSet64/1MB)}}");
});

it('confirms from the metrics when Run Command could not answer', () => {
  expect(memoryExhausted.confirm(withoutGuest(healthyFacts()))).toBe(
    `az monitor metrics list --resource ${VM_ID} --metrics "Available Memory Bytes" --interval PT5M --offset 3h`,
  );
});
