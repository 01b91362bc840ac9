import { bootDiagnosticsDisabled } from '../../../../src/diagnosis/causes/platform/boot-diagnostics-disabled';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

testCauseRule(bootDiagnosticsDisabled, {
  fires: [
    {
      name: 'boot diagnostics off',
      facts: factsWith('vm', (vm) => (vm.bootDiagnosticsEnabled = false)),
      summary: ['vm-web-01', 'serial console'],
      evidence: ['bootDiagnostics.enabled: false'],
      advice: 'az vm boot-diagnostics enable --resource-group rg-prod --name vm-web-01',
    },
    {
      name: 'off on a deallocated VM too: the risk is the same',
      facts: factsWith('vm', (vm) => {
        vm.bootDiagnosticsEnabled = false;
        vm.powerState = 'deallocated';
      }),
      summary: ['vm-web-01'],
      evidence: ['bootDiagnostics.enabled: false'],
    },
  ],
  quiet: [{ name: 'healthy: boot diagnostics on', facts: healthyFacts() }],
});

test('confirm shows the boot diagnostics setting of this VM', () => {
  expect(bootDiagnosticsDisabled.confirm(healthyFacts())).toBe(
    'az vm show --resource-group rg-prod --name vm-web-01 --query diagnosticsProfile.bootDiagnostics',
  );
});
