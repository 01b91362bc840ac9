import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';

// What Windows writes to the serial console when it never reaches sign-in.
const BOOT_FAILURES: RegExp[] = [
  /\bbug ?check\b/i,
  /\bSTOP:?\s*0x[0-9a-f]+/i,
  /\bstop code:/i,
  /INACCESSIBLE_BOOT_DEVICE/,
  /CRITICAL_PROCESS_DIED/,
  /\bboot failure\b/i,
  /Preparing Automatic Repair/i,
  /\bBOOTMGR\b/,
  /0xc000000e/i,
  /Windows failed to start/i,
];

const MAX_LINE = 160;

export const guestNotBooted: CauseRule = {
  id: 'guest-not-booted',
  layer: 'platform',
  title: 'Windows never finished booting',
  label: 'boot log',
  guide: 'Related failures this is often confused with',
  severity: 'critical',
  needs: ['vm', 'bootDiagnostics'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return `az vm boot-diagnostics get-boot-log --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'}`;
  },
  clean: 'The serial console log shows no boot failure.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    const log = factValue(facts, 'bootDiagnostics').serialLogTail;
    if (vm.powerState !== 'running' || !log) return null;
    const failures = log
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => BOOT_FAILURES.some((pattern) => pattern.test(line)));
    if (failures.length === 0) return null;
    return {
      summary: `${vm.name} is running but Windows never reached sign-in: the serial console shows a boot failure.`,
      evidence: [...new Set(failures)].slice(-3).map((line) => `serial log: ${line.slice(0, MAX_LINE)}`),
      advice:
        'This is the boot-failure branch, not an RDP problem: read the boot screenshot, then repair the OS disk ' +
        `offline (az vm repair create --resource-group ${vm.resourceGroup} --name ${vm.name}) or through the serial console.`,
    };
  },
};
