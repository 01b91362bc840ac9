import type { CauseRule, Detection } from '../../cause';
import { factValue, optionalFact, type Facts, type VmFacts } from '../../facts';

// The agent is what Run Command and VMAccess go through. Down by its own report, it is the outage as far as
// rdp-doctor can see. Reported ready while the probe's Run Command never answered, it is stuck (the guide:
// an unresponsive recovery tool is evidence, not a dead end): a warning, since what hides behind it is
// unknown, and the report stays incomplete. A restart clears a stuck agent and a hung Windows alike.

function serialConsoleAdvice(vm: VmFacts): string {
  return vm.bootDiagnosticsEnabled
    ? 'Use the serial console (it goes through boot diagnostics, not the agent) to check the guest and restart the agent services'
    : 'Enable boot diagnostics, then use the serial console (it does not need the agent) to check the guest and restart the agent services';
}

/** The agent reports ready (or nothing), yet the guest probe's Run Command gave no answer in time. */
function stuck(facts: Facts, vm: VmFacts): Detection | null {
  const guest = facts.guest;
  if (guest.status !== 'error' || !guest.timedOut) return null;
  const said = vm.agent.status === 'ready' ? 'ready' : 'nothing';
  return {
    summary: `Run Command on ${vm.name} did not answer though the VM agent reports ${said}: the agent or Windows is stuck.`,
    evidence: [
      `VM agent status: ${vm.agent.status === 'ready' ? 'ready' : 'not reported'}${vm.agent.version ? ` (version ${vm.agent.version})` : ''}`,
      `guest probe through Run Command: ${guest.reason}`,
    ],
    fixes: ['restart-vm'],
    advice: `${serialConsoleAdvice(vm)}; if the console does not answer either, restart the VM.`,
    severity: 'warning',
  };
}

export const vmAgentUnhealthy: CauseRule = {
  id: 'vm-agent-unhealthy',
  layer: 'platform',
  title: 'The Azure VM agent is not ready',
  label: 'VM agent',
  guide: 'How to recover when you have no inbound session at all',
  severity: 'critical',
  needs: ['vm'],
  later: ['guest'],
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
    if (vm.powerState !== 'running') return null;
    if (vm.agent.status !== 'not-ready') return stuck(facts, vm);
    const evidence = [
      `VM agent status: not ready${vm.agent.version ? ` (version ${vm.agent.version})` : ''}`,
    ];
    if (vm.agent.message) evidence.push(`agent message: ${vm.agent.message}`);
    return {
      summary: `The Azure VM agent on ${vm.name} is not ready, so Run Command and VMAccess will not answer.`,
      evidence,
      fixes: ['restart-vm'],
      advice: `${serialConsoleAdvice(vm)}; if that does not bring it back, restart the VM.`,
    };
  },
};
