import { API_VERSIONS } from '../arm/api-versions';
import { accepted } from '../arm/operations';
import { ArmError, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { effectiveRoutes } from '../net/routes';
import { effectiveNsgListJson, effectiveRouteListJson, nicJson } from '../views/network';
import type { NetworkInterface } from '../world';
import { lookup } from './lookup';

// Network interfaces: get, and the two computed views Azure offers for a NIC: effective security rules and
// effective routes. Both are long-running POSTs (final state via Location), and both need the NIC to be
// attached to a running VM.

const NIC_TYPE = 'Microsoft.Network/networkInterfaces';
const NIC_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${NIC_TYPE}/{networkInterfaceName}`;

function nicFrom(ctx: RouteContext): NetworkInterface {
  return lookup(ctx, ctx.world.nics, NIC_TYPE, 'networkInterfaceName');
}

function computedView(ctx: RouteContext, name: string, view: (nic: NetworkInterface) => unknown) {
  const nic = nicFrom(ctx);
  const vm = ctx.world.vmOf(nic);
  if (name === 'effectiveNetworkSecurityGroups' && vm?.faults.effectiveNsg === 'error') {
    throw new ArmError(500, 'InternalServerError', 'An error occurred.');
  }
  if (name === 'effectiveNetworkSecurityGroups' && vm?.faults.effectiveNsg === 'throttled') {
    throw new ArmError(
      429,
      'TooManyRequests',
      'The request is being throttled as the limit has been reached for the network resource provider. Retry after 1 second.',
      { 'Retry-After': '1' },
    );
  }
  if (vm?.powerState !== 'running') {
    throw new ArmError(
      400,
      'OperationNotAllowed',
      `Network interface '${nic.name}' is not attached to a running virtual machine. Effective rules and routes are only available while the machine runs.`,
    );
  }
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Network',
    name,
    target: nic.id,
    subscriptionId: nic.subscriptionId,
    location: nic.location,
    durationMs: ctx.latency.operationMs('networkWatcher', `${name}:${nic.id}`),
    complete: () => ({ status: 'Succeeded', result: view(nic) }),
  });
  return accepted(started);
}

export const networkInterfaceRoutes: Route[] = [
  {
    method: 'GET',
    path: NIC_PATH,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) => ok(nicJson(ctx.world, nicFrom(ctx))),
  },
  {
    method: 'POST',
    path: `${NIC_PATH}/effectiveNetworkSecurityGroups`,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) =>
      computedView(ctx, 'effectiveNetworkSecurityGroups', (nic) => effectiveNsgListJson(ctx.world, nic)),
  },
  {
    method: 'POST',
    path: `${NIC_PATH}/effectiveRouteTable`,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) =>
      computedView(ctx, 'effectiveRouteTable', (nic) =>
        effectiveRouteListJson(effectiveRoutes(ctx.world, nic)),
      ),
  },
];
