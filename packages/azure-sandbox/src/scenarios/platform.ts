import { inboundRule, OFFICE_PREFIX } from './healthy';
import { scenario } from './define';

// Platform layer: is the machine up, and can we see into it.

const BOOT_FAILURE_SERIAL_LOG = [
  'Boot failure. Reboot and Select proper Boot device',
  'Your PC ran into a problem and needs to restart.',
  'Stop code: INACCESSIBLE_BOOT_DEVICE',
  'What failed: 0x0000007B',
  'Preparing Automatic Repair',
  '',
].join('\n');

export const platformScenarios = [
  scenario({
    name: 'vm-not-running',
    cause: 'vm-not-running',
    summary: 'Deallocated three hours ago by bob@contoso.com; nothing answers until it is started.',
    change(vm) {
      vm.powerState = 'deallocated';
      vm.stoppedMinutesAgo = 180;
      vm.activity.push({
        minutesAgo: 180,
        caller: 'bob@contoso.com',
        operation: 'Microsoft.Compute/virtualMachines/deallocate/action',
        target: 'vm',
      });
    },
  }),
  scenario({
    name: 'guest-not-booted',
    cause: 'guest-not-booted',
    summary: 'Running, but Windows stops at INACCESSIBLE_BOOT_DEVICE; the agent never came up.',
    change(vm) {
      vm.console = 'boot-failure';
      vm.serialLog = BOOT_FAILURE_SERIAL_LOG;
      vm.agent = { ready: false, message: 'VM status blob is found but not yet populated.' };
    },
  }),
  scenario({
    name: 'vm-agent-unhealthy',
    cause: 'vm-agent-unhealthy',
    summary:
      'Windows runs but the VM agent is unresponsive: Run Command and VMAccess cannot reach the guest.',
    change(vm) {
      vm.agent = { ready: false, message: 'VM Agent is unresponsive.' };
    },
  }),
  scenario({
    name: 'boot-diagnostics-disabled',
    cause: 'boot-diagnostics-disabled',
    summary: 'Healthy, but boot diagnostics is off: no screenshot and no serial console when it matters.',
    change(vm) {
      vm.bootDiagnostics = false;
    },
  }),
  scenario({
    name: 'os-not-windows',
    cause: 'os-not-windows',
    summary: 'An Ubuntu VM: RDP does not apply; SSH on 22 is open from the office.',
    change(vm) {
      vm.osType = 'Linux';
      vm.serialLog = 'Ubuntu 24.04.1 LTS os-not-windows ttyS0\n\nos-not-windows login: ';
      vm.nicRules = [
        inboundRule({
          name: 'Allow-SSH-FromOffice',
          priority: 300,
          access: 'Allow',
          source: OFFICE_PREFIX,
          port: '22',
        }),
      ];
    },
  }),
];
