import { API_VERSIONS } from '../arm/api-versions';
import { acceptedPut } from '../arm/operations';
import { badRequest, objectBody, ok } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { LOCATION } from '../foundation';
import { resourceId } from '../ids';
import { publicIpJson } from '../views/network';
import type { PublicIp } from '../world';
import { lookup } from './lookup';

// Public IP addresses: get, and create-or-update (long-running, Azure-AsyncOperation). Switching an
// attached dynamic address to static keeps the address it has now, as Azure does.

const PIP_TYPE = 'Microsoft.Network/publicIPAddresses';
const PIP_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${PIP_TYPE}/{publicIpAddressName}`;

function requested(ctx: RouteContext, existing: PublicIp | undefined): PublicIp {
  const body = objectBody(ctx.body);
  const properties = body.properties === undefined ? {} : objectBody(body.properties);
  const sku = (body.sku as { name?: unknown } | undefined)?.name ?? existing?.sku ?? 'Basic';
  const allocation = properties.publicIPAllocationMethod ?? existing?.allocation ?? 'Dynamic';
  if (sku !== 'Basic' && sku !== 'Standard') {
    throw badRequest('InvalidRequestFormat', `Unknown public IP SKU '${String(sku)}'.`);
  }
  if (allocation !== 'Static' && allocation !== 'Dynamic') {
    throw badRequest(
      'InvalidRequestFormat',
      `publicIPAllocationMethod must be Static or Dynamic, not '${String(allocation)}'.`,
    );
  }
  if (sku === 'Standard' && allocation === 'Dynamic') {
    throw badRequest(
      'StandardSkuPublicIPAddressesCannotBeDynamic',
      'Standard sku publicIp addresses cannot be dynamic: use publicIPAllocationMethod Static.',
    );
  }
  const label = (properties.dnsSettings as { domainNameLabel?: unknown } | undefined)?.domainNameLabel;
  return {
    id:
      existing?.id ??
      resourceId(
        ctx.params.subscriptionId,
        ctx.params.resourceGroupName,
        PIP_TYPE,
        ctx.params.publicIpAddressName,
      ),
    name: existing?.name ?? ctx.params.publicIpAddressName,
    resourceGroup: existing?.resourceGroup ?? ctx.params.resourceGroupName,
    subscriptionId: existing?.subscriptionId ?? ctx.params.subscriptionId,
    location: existing?.location ?? (typeof body.location === 'string' ? body.location : LOCATION),
    sku,
    allocation,
    ipAddress: existing?.ipAddress ?? null,
    domainNameLabel: typeof label === 'string' ? label : (existing?.domainNameLabel ?? null),
    nicId: existing?.nicId ?? null,
  };
}

function putPublicIp(ctx: RouteContext) {
  const existing = ctx.world.publicIps.find(
    ctx.params.subscriptionId,
    ctx.params.resourceGroupName,
    PIP_TYPE,
    ctx.params.publicIpAddressName,
  );
  const next = requested(ctx, existing);
  const started = ctx.operations.begin(ctx, {
    provider: 'Microsoft.Network',
    name: 'publicIPAddresses/write',
    target: next.id,
    subscriptionId: next.subscriptionId,
    location: next.location,
    durationMs: ctx.latency.operationMs('networkWrite', next.id),
    complete: () => {
      const ipAddress =
        next.ipAddress ?? (next.allocation === 'Static' ? ctx.world.allocatePublicIp() : null);
      ctx.world.publicIps.set({ ...next, ipAddress });
      ctx.world.logWrite(`${PIP_TYPE}/write`, next.id, 'PUT');
      return { status: 'Succeeded' };
    },
  });
  return acceptedPut(existing ? 200 : 201, publicIpJson(next, 'Updating'), started);
}

export const publicIpRoutes: Route[] = [
  {
    method: 'GET',
    path: PIP_PATH,
    apiVersions: API_VERSIONS.network,
    handle: (ctx) => ok(publicIpJson(lookup(ctx, ctx.world.publicIps, PIP_TYPE, 'publicIpAddressName'))),
  },
  {
    method: 'PUT',
    path: PIP_PATH,
    apiVersions: API_VERSIONS.network,
    write: true,
    handle: putPublicIp,
  },
];
