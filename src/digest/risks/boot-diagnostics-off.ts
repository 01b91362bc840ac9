import type { RiskRule } from '../risk';

export const bootDiagnosticsOff: RiskRule = {
  id: 'boot-diagnostics-off',
  title: 'Boot diagnostics off: no screenshot, no serial console',
  guide: 'How to prevent the next RDP outage',
  severity: 'warning',
  detect(machine) {
    if (machine.bootDiagnostics) return null;
    return {
      evidence: ['diagnosticsProfile.bootDiagnostics.enabled is false'],
      advice:
        'Enable it (`az vm boot-diagnostics enable --resource-group <group> --name <vm>`) and make it a policy at ' +
        'creation: the console screenshot is the first signal you read when a machine goes dark.',
    };
  },
};
