import { vmAgentUnhealthy } from '../../../../src/diagnosis/causes/platform/vm-agent-unhealthy';
import { timedOutReason } from '../../../../src/diagnosis/incomplete';
import type { Facts } from '../../../../src/diagnosis/facts';
import { factsWith, failed, healthyFacts, testCauseRule } from '../../../fixtures/facts';

/** healthyFacts() whose guest probe ended as `guest`, the VM agent reporting `agent`. */
function probeEnded(guest: Facts['guest'], agent: 'ready' | 'unknown' = 'ready'): Facts {
  const facts = factsWith('vm', (vm) => (vm.agent.status = agent));
  return { ...facts, guest };
}

const timedOut: Facts['guest'] = {
  status: 'error',
  reason: timedOutReason(120_000),
  durationMs: 120_000,
  timedOut: true,
};

testCauseRule(vmAgentUnhealthy, {
  fires: [
    {
      name: 'agent not ready, boot diagnostics on: use the serial console',
      facts: factsWith('vm', (vm) => {
        vm.agent = { status: 'not-ready', version: '2.7.41491.1102', message: 'VM Agent is unresponsive.' };
      }),
      summary: ['vm-web-01', 'Run Command and VMAccess will not answer'],
      evidence: ['not ready (version 2.7.41491.1102)', 'agent message: VM Agent is unresponsive.'],
      fixes: ['restart-vm'],
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
      fixes: ['restart-vm'],
      advice: 'Enable boot diagnostics, then use the serial console',
    },
    {
      name: 'agent reports ready but the Run Command timed out: stuck, a warning with a restart',
      facts: probeEnded(timedOut),
      summary: ['vm-web-01', 'did not answer though the VM agent reports ready', 'stuck'],
      evidence: ['VM agent status: ready', 'guest probe through Run Command: no answer within 120 s'],
      fixes: ['restart-vm'],
      severity: 'warning',
      advice: 'restart the VM',
    },
    {
      name: 'agent status unknown and the Run Command timed out',
      facts: probeEnded(timedOut, 'unknown'),
      summary: ['reports nothing'],
      evidence: ['VM agent status: not reported'],
      fixes: ['restart-vm'],
      severity: 'warning',
    },
  ],
  quiet: [
    { name: 'healthy: agent ready', facts: healthyFacts() },
    {
      name: 'Run Command refused at once (409): Azure answered, the agent is not shown stuck',
      facts: probeEnded(failed('Run Command failed: Conflict')),
    },
    {
      name: 'the probe not gathered yet',
      facts: probeEnded({ status: 'skipped', reason: 'not gathered', durationMs: 0 }),
    },
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
