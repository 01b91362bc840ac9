import { callAzure } from '../azure/errors';
import { correlated } from './arm';
import { FixRefusal, type FixDefinition } from './fix';
import { vmOf } from './target';

// A controlled restart is the conclusion of a diagnosis, never its opening move (the guide): it clears a
// guest stuck in a bad state, and nothing on the network, service or auth layers.

export const restartVm: FixDefinition = {
  id: 'restart-vm',
  title: 'Restart the VM',
  causes: ['memory-exhausted', 'cpu-saturated', 'update-in-progress', 'shell-crash'],
  inputs: () => [],
  plan({ facts, finding }) {
    const vm = vmOf(facts);
    if (finding.layer !== 'guest') {
      throw new FixRefusal(
        `A restart does not fix a ${finding.layer}-layer cause such as ${finding.cause}; it is offered only when the ` +
          'diagnosis ends inside the guest.',
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
