import { API_VERSIONS } from '../arm/api-versions';
import { ArmError, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { instanceViewJson, vmJson } from '../views/compute';
import type { VirtualMachine } from '../world';
import { lookup, page } from './lookup';

// Virtual machine reads: list (subscription and resource group), get with `$expand=instanceView`, the
// instance view, and retrieveBootDiagnosticsData.

export const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const VM_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}/{vmName}`;

export function vmFrom(ctx: RouteContext): VirtualMachine {
  return lookup(ctx, ctx.world.vms, VM_TYPE, 'vmName');
}

function listed(ctx: RouteContext, vms: VirtualMachine[]) {
  // `statusOnly=true` (subscription list) answers with each VM's instance view, as the fleet view needs.
  const withStatus = ctx.query.get('statusOnly') === 'true';
  const now = ctx.world.now();
  return ok(
    page(
      ctx,
      vms.map((vm) => vmJson(vm, withStatus ? { instanceView: instanceViewJson(vm, now) } : {})),
    ),
  );
}

export const virtualMachineRoutes: Route[] = [
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/providers/${VM_TYPE}`,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => listed(ctx, ctx.world.vms.inSubscription(ctx.params.subscriptionId)),
  },
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${VM_TYPE}`,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) =>
      listed(ctx, ctx.world.vms.inResourceGroup(ctx.params.subscriptionId, ctx.params.resourceGroupName)),
  },
  {
    method: 'GET',
    path: VM_PATH,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => {
      const vm = vmFrom(ctx);
      const expand = ctx.query.get('$expand');
      return ok(
        vmJson(vm, expand === 'instanceView' ? { instanceView: instanceViewJson(vm, ctx.world.now()) } : {}),
      );
    },
  },
  {
    method: 'GET',
    path: `${VM_PATH}/instanceView`,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => ok(instanceViewJson(vmFrom(ctx), ctx.world.now())),
  },
  {
    method: 'POST',
    path: `${VM_PATH}/retrieveBootDiagnosticsData`,
    apiVersions: API_VERSIONS.compute,
    handle: (ctx) => {
      const vm = vmFrom(ctx);
      if (!vm.bootDiagnostics) {
        throw new ArmError(
          409,
          'OperationNotAllowed',
          `Boot diagnostics is not enabled for virtual machine '${vm.name}'. Enable it to get a screenshot and the serial log.`,
        );
      }
      const minutes = Number(ctx.query.get('sasUriExpirationTimeInMinutes') ?? 120) || 120;
      return ok(ctx.blobs.uris(ctx.origin, vm, minutes));
    },
  },
];
