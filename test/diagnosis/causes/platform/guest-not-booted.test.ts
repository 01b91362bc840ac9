import { guestNotBooted } from '../../../../src/diagnosis/causes/platform/guest-not-booted';
import type { Facts } from '../../../../src/diagnosis/facts';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

function serialLog(tail: string | null, base?: Facts): Facts {
  return factsWith('bootDiagnostics', (boot) => (boot.serialLogTail = tail), base);
}

testCauseRule(guestNotBooted, {
  fires: [
    {
      name: 'bugcheck INACCESSIBLE_BOOT_DEVICE',
      facts: serialLog('Loading drivers\n*** STOP: 0x0000007B (INACCESSIBLE_BOOT_DEVICE)\n'),
      summary: ['vm-web-01', 'never reached sign-in'],
      evidence: ['serial log: *** STOP: 0x0000007B (INACCESSIBLE_BOOT_DEVICE)'],
      advice: 'az vm repair create --resource-group rg-prod --name vm-web-01',
    },
    {
      name: 'CRITICAL_PROCESS_DIED stop code',
      facts: serialLog(
        'Your PC ran into a problem and needs to restart.\r\nStop code: CRITICAL_PROCESS_DIED\r\n',
      ),
      summary: ['vm-web-01'],
      evidence: ['serial log: Stop code: CRITICAL_PROCESS_DIED'],
    },
    {
      name: 'automatic repair loop',
      facts: serialLog('Preparing Automatic Repair\nDiagnosing your PC\n'),
      summary: ['vm-web-01'],
      evidence: ['serial log: Preparing Automatic Repair'],
    },
    {
      name: 'BOOTMGR missing',
      facts: serialLog('BOOTMGR is missing\nPress Ctrl+Alt+Del to restart\n'),
      summary: ['vm-web-01'],
      evidence: ['serial log: BOOTMGR is missing'],
    },
    {
      name: 'Windows failed to start, 0xc000000e',
      facts: serialLog(
        'Windows failed to start. A recent hardware or software change might be the cause.\nStatus: 0xc000000e\n',
      ),
      summary: ['vm-web-01'],
      evidence: ['serial log: Windows failed to start', 'serial log: Status: 0xc000000e'],
    },
    {
      name: 'boot failure message',
      facts: serialLog('Boot failure. Reboot and select proper boot device\n'),
      summary: ['vm-web-01'],
      evidence: ['serial log: Boot failure.'],
    },
  ],
  quiet: [
    { name: 'healthy: booted to "The computer is ready"', facts: healthyFacts() },
    { name: 'no serial log to read', facts: serialLog(null) },
    {
      name: 'not running: vm-not-running owns that',
      facts: serialLog(
        '*** STOP: 0x0000007B',
        factsWith('vm', (vm) => (vm.powerState = 'deallocated')),
      ),
    },
    {
      name: 'a stopped service is not a stop code',
      facts: serialLog('The Print Spooler service entered the stopped state.\n'),
    },
  ],
});

test('confirm reads the boot log of this VM', () => {
  expect(guestNotBooted.confirm(healthyFacts())).toBe(
    'az vm boot-diagnostics get-boot-log --resource-group rg-prod --name vm-web-01',
  );
});
