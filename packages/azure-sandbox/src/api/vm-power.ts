import { API_VERSIONS } from '../arm/api-versions';
import { accepted } from '../arm/operations';
import type { Route, RouteContext } from '../arm/router';
import type { PowerState, VirtualMachine, World } from '../world';
import { notRunning } from './run-command';
import { VM_TYPE, vmFrom } from './virtual-machines';

// VM power actions (POST …/start, …/restart, …/powerOff): long-running operations that move the machine
// through a transitional power state and change what every later read reports.

const GiB = 2 ** 30;

/**
 * Windows that reaches sign-in starts its VM agent afresh: an agent that had stopped answering, or hung
 * every Run Command, is ready again. A machine that never boots keeps its silent agent.
 */
function restartAgent(vm: VirtualMachine): void {
  if (vm.console !== 'sign-in') return;
  vm.agent = { ...vm.agent, ready: true, message: 'GuestAgent is running and processing the extensions.' };
  if (vm.faults.runCommand === 'hang') delete vm.faults.runCommand;
}

/** A started machine is back: metrics resume, and a released dynamic public IP gets a new address. */
function bootUp(world: World, vm: VirtualMachine): void {
  vm.powerState = 'running';
  vm.offlineSince = null;
  for (const nic of world.nicsOf(vm)) {
    const ip = nic.publicIpId ? world.publicIps.get(nic.publicIpId) : undefined;
    if (ip && !ip.ipAddress) ip.ipAddress = world.allocatePublicIp();
  }
  const guest = vm.guest;
  guest.os = guest.os && { ...guest.os, lastBootUpTime: new Date(world.now()).toISOString() };
  guest.updates = guest.updates && { ...guest.updates, rebootPending: false, servicingActive: false };
  guest.rdp = guest.rdp && { ...guest.rdp, sessions: [] };
  restartAgent(vm);
}

/** A reboot ends the runaway process: memory and CPU pressure fall back to an idle machine's. */
function relievePressure(vm: VirtualMachine): void {
  const memory = vm.guest.resources?.memory;
  if (memory) memory.freeBytes = Math.max(memory.freeBytes, memory.totalBytes * 0.6);
  vm.metrics.availableMemoryBytes = Math.max(
    vm.metrics.availableMemoryBytes,
    (memory?.totalBytes ?? 8 * GiB) * 0.6,
  );
  vm.metrics.cpuPercent = Math.min(vm.metrics.cpuPercent, 15);
}

interface PowerAction {
  action: 'start' | 'restart' | 'powerOff';
  /** Whether the action needs a running machine. */
  needsRunning: boolean;
  during: PowerState;
  apply(world: World, vm: VirtualMachine): void;
}

const ACTIONS: PowerAction[] = [
  { action: 'start', needsRunning: false, during: 'starting', apply: bootUp },
  {
    action: 'restart',
    needsRunning: true,
    during: 'starting',
    apply: (world, vm) => {
      bootUp(world, vm);
      relievePressure(vm);
    },
  },
  {
    action: 'powerOff',
    needsRunning: true,
    during: 'stopping',
    apply: (world, vm) => {
      vm.powerState = 'stopped';
      vm.offlineSince = world.now();
    },
  },
];

function powerRoute({ action, needsRunning, during, apply }: PowerAction): Route {
  return {
    method: 'POST',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}/{vmName}/${action}`,
    apiVersions: API_VERSIONS.compute,
    write: true,
    handle: (ctx: RouteContext) => {
      const vm = vmFrom(ctx);
      if (needsRunning && vm.powerState !== 'running') throw notRunning(vm, action);
      // Starting a running machine is accepted and changes nothing, as in Azure.
      const changes = !(action === 'start' && vm.powerState === 'running');
      if (changes) vm.powerState = during;
      // The guest goes down under a Run Command still running (a hung one too): Azure ends it as failed.
      if (action !== 'start') {
        ctx.operations.end('runCommand', vm.id, {
          status: 'Failed',
          error: {
            code: 'OperationPreempted',
            message: `Operation execution has been preempted by a more recent operation (${action}).`,
          },
        });
      }
      const started = ctx.operations.begin(ctx, {
        provider: 'Microsoft.Compute',
        name: action,
        target: vm.id,
        subscriptionId: vm.subscriptionId,
        location: vm.location,
        durationMs: changes ? ctx.latency.operationMs('vmPower', `${action}:${vm.id}`) : 0,
        complete: () => {
          if (changes) apply(ctx.world, vm);
          ctx.world.logWrite(`${VM_TYPE}/${action}/action`, vm.id, 'POST');
          return { status: 'Succeeded' };
        },
      });
      return accepted(started);
    },
  };
}

export const vmPowerRoutes: Route[] = ACTIONS.map(powerRoute);
