import { vmAgentUnhealthy } from '../../../../src/diagnosis/causes/platform/vm-agent-unhealthy';
import { factsWith, healthyFacts, testCauseRule } from '../../../fixtures/facts';

testCauseRule(vmAgentUnhealthy, {
  fires: [
    {
      name: 'agent not ready, boot diagnostics on: use the serial console',
      facts: factsWith('vm', (vm) => {
        vm.agent = { status: 'not-ready', version: '2.7.41491.1102', message: 'VM Agent is unresponsive.' };
      }),
      summary: ['vm-web-01', 'Run Command and VMAccess will not answer'],
      evidence: ['not ready (version 2.7.41491.1102)', 'agent message: VM Agent is unresponsive.'],
      advice: 'serial console',
    },
    {
      name: 'agent not ready and boot diagnostics off: enable it first',
      facts: factsWith('vm', (vm) => {
        vm.agent = { status: 'not-ready', version: null, message: null };
        vm.bootDiagnosticsEnabled = false;
      }),
      summary: ['vm-web-01'],
      evidence: ['VM agent status: not ready'],
      advice: 'Enable boot diagnostics, then use the serial console',
    },
  ],
  quiet: [
    { name: 'healthy: agent ready', facts: healthyFacts() },
    { name: 'agent status unknown', facts: factsWith('vm', (vm) => (vm.agent.status = 'unknown')) },
    {
      name: 'deallocated: no agent runs on a stopped VM',
      facts: factsWith('vm', (vm) => {
        vm.powerState = 'deallocated';
        vm.agent.status = 'not-ready';
      }),
    },
  ],
});

test('confirm reads the agent status of this VM', () => {
  expect(vmAgentUnhealthy.confirm(healthyFacts())).toBe(
    'az vm get-instance-view --resource-group rg-prod --name vm-web-01 --query instanceView.vmAgent',
  );
});
