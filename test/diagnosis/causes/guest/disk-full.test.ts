import { diskFull } from '../../../../src/diagnosis/causes/guest/disk-full';
import type { Facts } from '../../../../src/diagnosis/facts';
import { guestWith, healthyFacts, testCauseRule, testWindowsGuestRule } from '../../../fixtures/facts';

const GIB = 2 ** 30;

function drive(freeBytes: number, sizeBytes: number): Facts {
  return guestWith((g) => {
    g.resources!.systemDrive = { freeBytes, sizeBytes };
  });
}

testCauseRule(diskFull, {
  fires: [
    {
      name: 'just under 1 GiB free on a big drive',
      facts: drive(GIB - 1, 1024 * GIB),
      summary: ['nearly full', '1024 MiB free'],
      evidence: ['System drive: 1024 MiB free of 1024.0 GiB (0.1 %)'],
      advice: 'Clear space',
    },
    {
      name: 'just under 2 % free, with more than 1 GiB left',
      facts: drive(2.5 * GIB, 127 * GIB),
      summary: ['nearly full', '2.5 GiB free'],
      evidence: ['2.5 GiB free of 127.0 GiB (2.0 %)'],
      advice: 'expand the OS disk',
    },
    {
      name: 'completely full',
      facts: drive(0, 127 * GIB),
      summary: ['0 MiB free'],
      evidence: ['0 MiB free of 127.0 GiB (0.0 %)'],
    },
    {
      name: 'under 10 % free: a warning',
      facts: drive(12 * GIB, 127 * GIB),
      summary: ['running low', '12.0 GiB free, 9.4 %'],
      evidence: ['12.0 GiB free of 127.0 GiB (9.4 %)'],
      severity: 'warning',
    },
  ],
  quiet: [
    { name: 'plenty of space', facts: healthyFacts() },
    { name: 'exactly 10 % free', facts: drive(10 * GIB, 100 * GIB) },
    {
      name: 'the drive sub-probe failed',
      facts: guestWith((g) => {
        g.resources!.systemDrive = null;
      }),
    },
    {
      name: 'the resources sub-probe failed',
      facts: guestWith((g) => {
        g.resources = null;
      }),
    },
  ],
});

testWindowsGuestRule(diskFull, 'Get-PSDrive C | Select-Object Used, Free');

it('is critical at exactly 2 % free only when under 1 GiB', () => {
  expect(diskFull.detect(drive(2 * GIB, 100 * GIB))?.severity).toBe('warning');
  expect(diskFull.detect(drive(GIB, 50 * GIB))?.severity).toBe('warning');
  expect(diskFull.detect(drive(GIB - 1, 50 * GIB))?.severity).toBe('critical');
});
