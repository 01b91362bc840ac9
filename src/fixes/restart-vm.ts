import { callAzure } from '../azure/errors';
import { correlated } from './arm';
import { FixRefusal, type FixDefinition } from './fix';
import { vmOf } from './target';

// A controlled restart is the conclusion of a diagnosis, never its opening move (the guide): it clears a
// guest stuck in a bad state, and a stuck VM agent (the one platform cause it can clear), and nothing on
// the network, service or auth layers.

/** The one cause outside the guest layer a restart clears: the agent Run Command goes through. */
const STUCK_AGENT = 'vm-agent-unhealthy';

export const restartVm: FixDefinition = {
  id: 'restart-vm',
  title: 'Restart the VM',
  causes: ['memory-exhausted', 'cpu-saturated', 'update-in-progress', 'shell-crash', STUCK_AGENT],
  inputs: () => [],
  plan({ facts, finding }) {
    const vm = vmOf(facts);
    if (finding.layer !== 'guest' && finding.cause !== STUCK_AGENT) {
      throw new FixRefusal(
        `A restart does not fix a ${finding.layer}-layer cause such as ${finding.cause}; it is offered only when the ` +
          'diagnosis ends inside the guest, or the VM agent is stuck.',
      );
    }
    if (vm.powerState !== 'running') {
      throw new FixRefusal(`${vm.name} is ${vm.powerState}, not running: there is nothing to restart.`);
    }
    return {
      params: {},
      description: `Restart ${vm.name}: Windows shuts down and starts again, ending every session on it.`,
    };
  },
  async execute(ctx) {
    const call = correlated(ctx.signal);
    await callAzure('Compute', () =>
      ctx.sub.compute.virtualMachines.beginRestartAndWait(ctx.vm.resourceGroup, ctx.vm.name, call.options),
    );
    return { summary: `Restarted ${ctx.vm.name}.`, correlationId: call.correlationId() };
  },
};
