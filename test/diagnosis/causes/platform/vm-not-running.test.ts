import { vmNotRunning } from '../../../../src/diagnosis/causes/platform/vm-not-running';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

testCauseRule(vmNotRunning, {
  fires: [
    {
      name: 'deallocated',
      facts: factsWith('vm', (vm) => (vm.powerState = 'deallocated')),
      summary: ['vm-web-01', 'deallocated'],
      evidence: ['power state: deallocated', 'provisioning state: Succeeded'],
      fixes: ['start-vm'],
    },
    {
      name: 'stopped (still allocated)',
      facts: factsWith('vm', (vm) => (vm.powerState = 'stopped')),
      summary: ['vm-web-01', 'stopped'],
      evidence: ['power state: stopped'],
      fixes: ['start-vm'],
    },
    {
      name: 'still starting: no fix to press, wait',
      facts: factsWith('vm', (vm) => (vm.powerState = 'starting')),
      summary: ['vm-web-01', 'starting'],
      evidence: ['power state: starting'],
      advice: 'Wait for the power operation to finish',
    },
  ],
  quiet: [{ name: 'healthy: running', facts: healthyFacts() }],
});

test('confirm reads the power state of this VM', () => {
  expect(vmNotRunning.confirm(healthyFacts())).toBe(
    'az vm get-instance-view --resource-group rg-prod --name vm-web-01 ' +
      `--query "instanceView.statuses[?starts_with(code, 'PowerState/')].displayStatus" --output tsv`,
  );
});
