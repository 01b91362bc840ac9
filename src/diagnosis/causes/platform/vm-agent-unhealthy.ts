import type { CauseRule } from '../../cause';
import { factValue, optionalFact } from '../../facts';

export const vmAgentUnhealthy: CauseRule = {
  id: 'vm-agent-unhealthy',
  layer: 'platform',
  title: 'The Azure VM agent is not ready',
  label: 'VM agent',
  guide: 'How to recover when you have no inbound session at all',
  severity: 'critical',
  needs: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    return (
      `az vm get-instance-view --resource-group ${vm?.resourceGroup ?? '<resource-group>'} --name ${vm?.name ?? '<vm>'} ` +
      '--query instanceView.vmAgent'
    );
  },
  clean: 'The VM agent is ready: Run Command and VMAccess can reach the guest.',
  detect(facts) {
    const vm = factValue(facts, 'vm');
    if (vm.powerState !== 'running' || vm.agent.status !== 'not-ready') return null;
    const evidence = [
      `VM agent status: not ready${vm.agent.version ? ` (version ${vm.agent.version})` : ''}`,
    ];
    if (vm.agent.message) evidence.push(`agent message: ${vm.agent.message}`);
    return {
      summary: `The Azure VM agent on ${vm.name} is not ready, so Run Command and VMAccess will not answer.`,
      evidence,
      advice: vm.bootDiagnosticsEnabled
        ? 'Use the serial console (it goes through boot diagnostics, not the agent) to check the guest and restart the agent services.'
        : 'Enable boot diagnostics, then use the serial console (it does not need the agent) to check the guest and restart the agent services.',
    };
  },
};
