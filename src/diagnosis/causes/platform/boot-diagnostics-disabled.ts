import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';

export const bootDiagnosticsDisabled: CauseRule = {
  id: 'boot-diagnostics-disabled',
  layer: 'platform',
  title: 'Boot diagnostics is off',
  label: 'boot diagnostics',
  guide: 'How to prevent the next RDP outage',
  severity: 'warning',
  needs: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return (
      `az vm show --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'} ` +
      '--query diagnosticsProfile.bootDiagnostics'
    );
  },
  clean: 'Boot diagnostics is on: the screenshot and the serial console are available.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    if (vm.bootDiagnosticsEnabled) return null;
    return {
      summary: `Boot diagnostics is off on ${vm.name}: there is no boot screenshot and no serial console to recover with.`,
      evidence: ['diagnosticsProfile.bootDiagnostics.enabled: false'],
      advice: `Enable it now, before you need it: az vm boot-diagnostics enable --resource-group ${vm.resourceGroup} --name ${vm.name}`,
    };
  },
};
