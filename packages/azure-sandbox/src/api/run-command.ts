import { API_VERSIONS } from '../arm/api-versions';
import { accepted } from '../arm/operations';
import type { OperationOutcome } from '../arm/router';
import { ArmError, objectBody } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { fixMarker, runFixScript } from '../guest/fix-scripts';
import type { RunCommandParameter } from '../guest/powershell';
import type { VirtualMachine, World } from '../world';
import { VM_TYPE, vmFrom } from './virtual-machines';

// Action Run Command (POST …/runCommand): a long-running operation whose result lists the script's stdout
// and stderr as instance-view statuses. Azure runs one at a time per VM and needs a running VM with a ready
// agent. A PowerShell script whose first line names a fix (`# rdp-doctor-fix: <id>`) runs as that fix
// script against the VM's guest state; any other script is answered as the guest probe would: the facts.

const COMMAND_IDS = {
  Windows: [
    'RunPowerShellScript',
    'ipconfig',
    'EnableRemotePS',
    'EnableAdminAccount',
    'RDPSettings',
    'ResetRDPCert',
    'SetRDPPort',
  ],
  Linux: ['RunShellScript', 'ifconfig'],
};

/** Run Command returns at most the last 4096 bytes of stdout. */
const OUTPUT_LIMIT = 4096;

export function agentUnreachable(vm: VirtualMachine): OperationOutcome {
  return {
    status: 'Failed',
    error: {
      code: 'VMAgentStatusCommunicationError',
      message: `VM '${vm.name}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a running VM agent, and that it can establish outbound connections to Azure storage.`,
    },
  };
}

export function notRunning(vm: VirtualMachine, operation: string): ArmError {
  return new ArmError(
    409,
    'OperationNotAllowed',
    `Operation '${operation}' is not allowed on VM '${vm.name}' since the VM is ${vm.powerState}. Start the VM and try again.`,
  );
}

function instanceStatus(code: string, message: string) {
  return { code, level: 'Info', displayStatus: 'Provisioning succeeded', message };
}

/** What the request asks Windows to run: a fix script by the id its first line names, else the probe. */
interface Invocation {
  fixId: string | null;
  parameters: RunCommandParameter[];
}

function invocationOf(body: Record<string, unknown>): Invocation {
  const script = Array.isArray(body.script)
    ? body.script.filter((line): line is string => typeof line === 'string')
    : [];
  const parameters = Array.isArray(body.parameters) ? body.parameters : [];
  return {
    fixId: body.commandId === 'RunPowerShellScript' ? fixMarker(script) : null,
    parameters: parameters.flatMap((p: unknown) => {
      const { name, value } = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
      return typeof name === 'string' ? [{ name, value: typeof value === 'string' ? value : '' }] : [];
    }),
  };
}

/** Run Command keeps the tail of each stream. */
function tail(text: string): string {
  return Buffer.from(text).subarray(-OUTPUT_LIMIT).toString('utf8');
}

/** A fix script against the guest; with the `reverted` fault, the guest is put back as it was before. */
function fixScriptRun(vm: VirtualMachine, fixId: string, parameters: RunCommandParameter[], now: number) {
  const before = vm.faults.fixScript === 'reverted' ? structuredClone(vm.guest) : null;
  const ran = runFixScript(vm, fixId, parameters, now);
  if (before) vm.guest = before;
  return ran;
}

function runOutcome(world: World, vm: VirtualMachine, invocation: Invocation): OperationOutcome {
  if (vm.powerState !== 'running' || !vm.agent.ready) return agentUnreachable(vm);
  // Azure's activity log records every Run Command that reached the agent, probe or not.
  world.logWrite(`${VM_TYPE}/runCommand/action`, vm.id, 'POST');
  if (vm.osType === 'Linux') {
    return {
      status: 'Succeeded',
      result: {
        value: [instanceStatus('ProvisioningState/succeeded', 'Enable succeeded: \n[stdout]\n\n[stderr]\n')],
      },
    };
  }
  const now = world.now();
  // A script that fails still completes the operation: its error shows in StdErr, as in Azure.
  const ran = invocation.fixId
    ? fixScriptRun(vm, invocation.fixId, invocation.parameters, now)
    : { stdout: JSON.stringify({ ...vm.guest, collectedAt: new Date(now).toISOString() }), stderr: '' };
  const { stdout, stderr } =
    invocation.fixId && vm.faults.fixOutput === 'lost' ? { stdout: '', stderr: '' } : ran;
  return {
    status: 'Succeeded',
    result: {
      value: [
        instanceStatus('ComponentStatus/StdOut/succeeded', tail(stdout)),
        instanceStatus('ComponentStatus/StdErr/succeeded', tail(stderr)),
      ],
    },
  };
}

function runCommand(ctx: RouteContext) {
  const vm = vmFrom(ctx);
  const body = objectBody(ctx.body);
  const commandId = body.commandId;
  if (typeof commandId !== 'string' || !COMMAND_IDS[vm.osType].includes(commandId)) {
    throw new ArmError(404, 'NotFound', 'The entity was not found in this Azure location.');
  }
  if (vm.powerState !== 'running') throw notRunning(vm, 'runCommand');
  // A hung VM hangs every time, rather than turning its stuck command into conflicts, so tests repeat.
  const busy = vm.faults.runCommand !== 'hang' && ctx.operations.running('runCommand', vm.id);
  const invocation = invocationOf(body);
  const fixConflict = invocation.fixId !== null && vm.faults.fixScript === 'conflict';
  if (vm.faults.runCommand === 'conflict' || busy || fixConflict) {
    throw new ArmError(
      409,
      'Conflict',
      'Run command extension execution is in progress. Please wait for completion before invoking a run command.',
    );
  }
  // A fix script changes the machine; the probe only reads it.
  if (invocation.fixId) ctx.record.write = true;
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Compute',
    name: 'runCommand',
    target: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    durationMs: vm.faults.runCommand === 'hang' ? Infinity : ctx.latency.operationMs('runCommand', vm.id),
    outputInStatus: true,
    complete: () => runOutcome(ctx.world, vm, invocation),
  });
  return accepted(started);
}

export const runCommandRoutes: Route[] = [
  {
    method: 'POST',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}/{vmName}/runCommand`,
    apiVersions: API_VERSIONS.compute,
    handle: runCommand,
  },
];
