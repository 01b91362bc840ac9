import { callAzure } from '../azure/errors';
import { correlated } from './arm';
import { FixRefusal, type FixDefinition } from './fix';
import { vmOf } from './target';

// A deallocated or stopped VM answers nothing: start it before anything else is worth checking.

const STARTABLE = ['deallocated', 'stopped'];

export const startVm: FixDefinition = {
  id: 'start-vm',
  title: 'Start the VM',
  causes: ['vm-not-running'],
  inputs: () => [],
  plan({ facts }) {
    const vm = vmOf(facts);
    if (!STARTABLE.includes(vm.powerState)) {
      throw new FixRefusal(
        `${vm.name} is ${vm.powerState}, not stopped or deallocated: there is nothing to start.`,
      );
    }
    return { params: {}, description: `Start ${vm.name}, which is ${vm.powerState}.` };
  },
  async execute(ctx) {
    const call = correlated(ctx.signal);
    await callAzure(
      'Compute',
      () =>
        ctx.sub.compute.virtualMachines.beginStartAndWait(ctx.vm.resourceGroup, ctx.vm.name, call.options),
      {
        AllocationFailed: `Azure has no capacity for ${ctx.vm.size ?? "the VM's size"} in ${ctx.vm.location} right now; retry later or resize the VM`,
        ZonalAllocationFailed: `Azure has no capacity for ${ctx.vm.size ?? "the VM's size"} in this zone right now; retry later or resize the VM`,
      },
    );
    return { summary: `Started ${ctx.vm.name}.`, correlationId: call.correlationId() };
  },
};
