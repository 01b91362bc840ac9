import { osNotWindows } from '../../../../src/diagnosis/causes/platform/os-not-windows';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

testCauseRule(osNotWindows, {
  fires: [
    {
      name: 'Linux VM',
      facts: factsWith('vm', (vm) => (vm.osType = 'Linux')),
      summary: ['vm-web-01', 'RDP does not apply', 'port 22'],
      evidence: ['OS type: Linux', 'network checks used TCP 22'],
      advice: 'SSH',
    },
  ],
  quiet: [{ name: 'healthy: Windows', facts: healthyFacts() }],
});

test('confirm reads the OS type of this VM', () => {
  expect(osNotWindows.confirm(healthyFacts())).toBe(
    'az vm show --resource-group rg-prod --name vm-web-01 --query storageProfile.osDisk.osType --output tsv',
  );
});
