import type { RiskRule } from '../risk';

export const agentNotReady: RiskRule = {
  id: 'agent-not-ready',
  title: 'VM agent not ready: Run Command and VMAccess will not answer',
  guide: 'How to prevent the next RDP outage',
  severity: 'critical',
  detect(machine) {
    if (machine.powerState !== 'running' || machine.agent.status !== 'not-ready') return null;
    const evidence = ['VM agent status: not ready while the machine runs'];
    if (machine.agent.message) evidence.push(`agent message: ${machine.agent.message}`);
    return {
      evidence,
      advice: machine.bootDiagnostics
        ? 'Check the guest from the serial console and restart the agent services (WindowsAzureGuestAgent, RdAgent) before you need them.'
        : 'Enable boot diagnostics, then use the serial console to restart the agent services (WindowsAzureGuestAgent, RdAgent).',
    };
  },
};
