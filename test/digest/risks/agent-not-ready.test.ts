import { agentNotReady } from '../../../src/digest/risks/agent-not-ready';
import { healthyMachine, healthyRow, machineFrom, testRiskRule } from '../support';

const notReady = { agent: { status: 'not-ready' as const, message: 'VM Agent is unresponsive.' } };

testRiskRule(agentNotReady, {
  fires: [
    {
      name: 'running with the agent not ready',
      machine: machineFrom(healthyRow(), notReady),
      evidence: ['VM agent status: not ready', 'agent message: VM Agent is unresponsive.'],
      advice: 'serial console',
    },
    {
      name: 'without boot diagnostics, the advice starts there',
      machine: machineFrom({ ...healthyRow(), bootDiagnostics: false }, notReady),
      evidence: ['not ready'],
      advice: 'Enable boot diagnostics',
    },
  ],
  quiet: [
    { name: 'healthy: ready', machine: healthyMachine() },
    {
      name: 'deallocated: no agent runs',
      machine: machineFrom({ ...healthyRow(), powerState: 'PowerState/deallocated' }, notReady),
    },
    {
      name: 'no agent status in the instance view (or not read)',
      machine: machineFrom(healthyRow(), { agent: { status: 'unknown', message: null } }),
    },
  ],
});
