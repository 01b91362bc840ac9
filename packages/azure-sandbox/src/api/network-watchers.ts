import { API_VERSIONS } from '../arm/api-versions';
import { accepted } from '../arm/operations';
import { ArmError, badRequest, objectBody, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { verifyIpFlow } from '../net/flow';
import type { Packet } from '../net/nsg';
import { nextHop } from '../net/routes';
import { watcherJson } from '../views/network';
import type { NetworkInterface, NetworkWatcher, VirtualMachine } from '../world';
import { lookup } from './lookup';

// Network Watcher: the watchers per region, IP flow verify and next hop. Both checks are long-running POSTs
// (final state via Location) evaluated against the VM's NICs as they are when the check completes.

const WATCHER_TYPE = 'Microsoft.Network/networkWatchers';
const WATCHER_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${WATCHER_TYPE}/{networkWatcherName}`;

function watcherFrom(ctx: RouteContext): NetworkWatcher {
  return lookup(ctx, ctx.world.watchers, WATCHER_TYPE, 'networkWatcherName');
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw badRequest('InvalidRequestFormat', `The request needs '${name}'.`);
  }
  return value;
}

/** The target VM and the NIC that holds `address` (or the named NIC, or the primary one). */
function target(ctx: RouteContext, body: Record<string, unknown>, address: string) {
  const vmId = field(body, 'targetResourceId');
  const vm = ctx.world.vms.get(vmId);
  if (!vm) throw new ArmError(404, 'ResourceNotFound', `The target resource '${vmId}' was not found.`);
  if (vm.powerState !== 'running') {
    throw new ArmError(
      400,
      'OperationNotAllowed',
      `Virtual machine '${vm.name}' is not running. IP flow verify and next hop need a running machine.`,
    );
  }
  const nics = ctx.world.nicsOf(vm);
  const named =
    typeof body.targetNicResourceId === 'string' ? ctx.world.nics.get(body.targetNicResourceId) : undefined;
  const nic = named ?? nics.find((candidate) => candidate.privateIp === address);
  if (!nic) {
    throw badRequest(
      'InvalidParameter',
      `The address ${address} is not assigned to a network interface of '${vm.name}'.`,
    );
  }
  return { vm, nic };
}

function check(
  ctx: RouteContext,
  name: string,
  vm: VirtualMachine,
  nic: NetworkInterface,
  result: () => unknown,
) {
  const watcher = watcherFrom(ctx);
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Network',
    name,
    target: vm.id,
    subscriptionId: watcher.subscriptionId,
    location: watcher.location,
    durationMs: ctx.latency.operationMs('networkWatcher', `${name}:${nic.id}`),
    complete: () => ({ status: 'Succeeded', result: result() }),
  });
  return accepted(started);
}

function port(value: unknown): number | '*' {
  if (value === '*') return '*';
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw badRequest(
      'InvalidRequestFormat',
      `Port '${String(value)}' is not a port number (0-65535) or '*'.`,
    );
  }
  return parsed;
}

function ipFlowVerify(ctx: RouteContext) {
  const body = objectBody(ctx.body);
  const { vm, nic } = target(ctx, body, field(body, 'localIPAddress'));
  if (vm.faults.ipFlowVerify === 'throttled') {
    throw new ArmError(
      429,
      'TooManyRequests',
      'The request is being throttled as the limit has been reached for IP flow verify on this subscription. Retry after 1 second.',
      { 'Retry-After': '1' },
    );
  }
  const protocol = field(body, 'protocol').toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'UDP') {
    throw badRequest('InvalidRequestFormat', 'protocol must be TCP or UDP.');
  }
  const packet: Packet = {
    direction: field(body, 'direction') === 'Outbound' ? 'Outbound' : 'Inbound',
    protocol,
    localIp: nic.privateIp,
    localPort: port(body.localPort),
    remoteIp: field(body, 'remoteIPAddress'),
    remotePort: port(body.remotePort),
  };
  return check(ctx, 'ipFlowVerify', vm, nic, () => verifyIpFlow(ctx.world, nic, packet));
}

function getNextHop(ctx: RouteContext) {
  const body = objectBody(ctx.body);
  const { vm, nic } = target(ctx, body, field(body, 'sourceIPAddress'));
  const destination = field(body, 'destinationIPAddress');
  return check(ctx, 'nextHop', vm, nic, () => nextHop(ctx.world, nic, destination));
}

export const networkWatcherRoutes: Route[] = [
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/providers/${WATCHER_TYPE}`,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) =>
      ok({ value: ctx.world.watchers.inSubscription(ctx.params.subscriptionId).map(watcherJson) }),
  },
  {
    method: 'GET',
    path: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${WATCHER_TYPE}`,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) =>
      ok({
        value: ctx.world.watchers
          .inResourceGroup(ctx.params.subscriptionId, ctx.params.resourceGroupName)
          .map(watcherJson),
      }),
  },
  {
    method: 'GET',
    path: WATCHER_PATH,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) => ok(watcherJson(watcherFrom(ctx))),
  },
  {
    method: 'POST',
    path: `${WATCHER_PATH}/ipFlowVerify`,
    apiVersions: API_VERSIONS.network,
    handle: ipFlowVerify,
  },
  { method: 'POST', path: `${WATCHER_PATH}/nextHop`, apiVersions: API_VERSIONS.network, handle: getNextHop },
];
