import { badRequest, ok, resourceNotFound } from '../arm/respond';
import type { Route, RouteContext } from '../arm/router';
import { parseCidr, parseIpv4 } from '../net/ip';
import { liveRules } from '../net/nsg';
import { assertNoConflict, parseSecurityRule } from '../net/rule-input';
import { securityRuleJson } from '../views/network';
import type { NetworkSecurityGroup, NextHopType, Route as UserRoute, World } from '../world';

// The sandbox's admin API (docs/sandbox.md "Admin API"): changes made as somebody else, the way a
// colleague's edit in the portal lands, so the activity log names them as the caller. Not an Azure API;
// it takes the same bearer token as the rest of the sandbox. Each change applies at once and is logged
// under the operation ARM would log it under.

const RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';
const ROUTE_TYPE = 'Microsoft.Network/routeTables/routes';
const SUBNET_TYPE = 'Microsoft.Network/virtualNetworks/subnets';
const NIC_TYPE = 'Microsoft.Network/networkInterfaces';
const PIP_TYPE = 'Microsoft.Network/publicIPAddresses';
const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const CALLER = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
/** ARM's rule for child resource names: letters, digits, `_`, `.`, `-`, at most 80. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
const NEXT_HOP_TYPES: readonly NextHopType[] = [
  'VirtualAppliance',
  'Internet',
  'VnetLocal',
  'VirtualNetworkGateway',
  'None',
];

type Body = Record<string, unknown>;

function text(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest('InvalidAdminChange', `The admin change needs "${field}" as a non-empty string.`);
  }
  return value.trim();
}

function record(value: unknown, field: string): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('InvalidAdminChange', `The admin change needs "${field}" as a JSON object.`);
  }
  return value as Body;
}

/** The request body and who the activity log will name. */
function changeOf(ctx: RouteContext): { body: Body; caller: string } {
  const body = record(ctx.body ?? {}, 'the body');
  const caller = text(body, 'caller');
  if (!CALLER.test(caller)) {
    throw badRequest('InvalidAdminChange', `"caller" must be a sign-in name such as alice@contoso.com.`);
  }
  return { body, caller };
}

function nsgOf(world: World, body: Body): NetworkSecurityGroup {
  const nsgId = text(body, 'nsgId');
  const nsg = world.nsgs.get(nsgId);
  if (!nsg) throw resourceNotFound('Microsoft.Network/networkSecurityGroups', nsgId, '');
  return nsg;
}

function log(world: World, caller: string, operationName: string, resourceId: string, httpMethod: string) {
  world.logActivity({
    time: world.now(),
    caller,
    operationName,
    resourceId,
    status: 'Succeeded',
    httpMethod,
  });
}

/** Writes (creates or replaces) a rule at once and logs it under `caller`. */
export function putRuleAs(
  world: World,
  nsg: NetworkSecurityGroup,
  caller: string,
  name: string,
  body: unknown,
) {
  const rule = parseSecurityRule(name, body);
  const others = nsg.rules.filter((other) => other.name.toLowerCase() !== rule.name.toLowerCase());
  assertNoConflict(rule, liveRules({ ...nsg, rules: others }, world.now()));
  nsg.rules = [...others, rule];
  log(world, caller, `${RULE_TYPE}/write`, `${nsg.id}/securityRules/${rule.name}`, 'PUT');
  return rule;
}

/** Deletes a rule at once and logs it under `caller`; false when there was none. */
export function deleteRuleAs(world: World, nsg: NetworkSecurityGroup, caller: string, name: string): boolean {
  const kept = nsg.rules.filter((rule) => rule.name.toLowerCase() !== name.toLowerCase());
  if (kept.length === nsg.rules.length) return false;
  nsg.rules = kept;
  log(world, caller, `${RULE_TYPE}/delete`, `${nsg.id}/securityRules/${name}`, 'DELETE');
  return true;
}

/** A route as the network RP accepts it: a CIDR prefix, a next hop type, an appliance address only for an appliance. */
function parseRoute(name: string, value: unknown): UserRoute {
  if (!NAME.test(name)) {
    throw badRequest('InvalidResourceName', `Route name '${name}' is not a valid ARM resource name.`);
  }
  const properties = record(record(value, 'route').properties, 'route.properties');
  const addressPrefix = text(properties, 'addressPrefix');
  if (!parseCidr(addressPrefix)) {
    throw badRequest(
      'InvalidRequestFormat',
      `Route addressPrefix '${addressPrefix}' is not an IPv4 CIDR range.`,
    );
  }
  const nextHopType = NEXT_HOP_TYPES.find((type) => type === properties.nextHopType);
  if (!nextHopType) {
    throw badRequest(
      'InvalidRequestFormat',
      `Route nextHopType must be one of ${NEXT_HOP_TYPES.join(', ')}.`,
    );
  }
  const nextHopIpAddress = properties.nextHopIpAddress;
  if (nextHopType === 'VirtualAppliance') {
    if (typeof nextHopIpAddress !== 'string' || parseIpv4(nextHopIpAddress) === null) {
      throw badRequest(
        'InvalidRequestFormat',
        'A route to a VirtualAppliance needs nextHopIpAddress, the IPv4 address of the appliance.',
      );
    }
    return { name, addressPrefix, nextHopType, nextHopIpAddress };
  }
  if (nextHopIpAddress !== undefined) {
    throw badRequest(
      'InvalidRequestFormat',
      `nextHopIpAddress is allowed only with nextHopType VirtualAppliance, not ${nextHopType}.`,
    );
  }
  return { name, addressPrefix, nextHopType };
}

function putRoute(ctx: RouteContext) {
  const { body, caller } = changeOf(ctx);
  const tableId = text(body, 'routeTableId');
  const table = ctx.world.routeTables.get(tableId);
  if (!table) throw resourceNotFound('Microsoft.Network/routeTables', tableId, '');
  const route = parseRoute(text(body, 'name'), body.route);
  table.routes = [...table.routes.filter((r) => r.name.toLowerCase() !== route.name.toLowerCase()), route];
  log(ctx.world, caller, `${ROUTE_TYPE}/write`, `${table.id}/routes/${route.name}`, 'PUT');
  return ok({ id: `${table.id}/routes/${route.name}`, name: route.name, properties: route }, 201);
}

function associateRouteTable(ctx: RouteContext) {
  const { body, caller } = changeOf(ctx);
  const subnetId = text(body, 'subnetId');
  const found = ctx.world.subnet(subnetId);
  if (!found) throw resourceNotFound(SUBNET_TYPE, subnetId, '');
  let routeTableId: string | null = null;
  if (body.routeTableId !== null) {
    const table = ctx.world.routeTables.get(text(body, 'routeTableId'));
    if (!table) throw resourceNotFound('Microsoft.Network/routeTables', String(body.routeTableId), '');
    routeTableId = table.id;
  }
  found.subnet.routeTableId = routeTableId;
  const id = `${found.vnet.id}/subnets/${found.subnet.name}`;
  log(ctx.world, caller, `${SUBNET_TYPE}/write`, id, 'PUT');
  return ok({ id, routeTable: routeTableId });
}

/** Takes the address off its NIC (a NIC write) and deletes it (a public IP delete), as a person does in the portal. */
function releasePublicIp(ctx: RouteContext) {
  const { body, caller } = changeOf(ctx);
  const publicIpId = text(body, 'publicIpId');
  const ip = ctx.world.publicIps.get(publicIpId);
  if (!ip) throw resourceNotFound(PIP_TYPE, publicIpId, '');
  const nic = ip.nicId ? ctx.world.nics.get(ip.nicId) : undefined;
  if (nic) {
    nic.publicIpId = null;
    log(ctx.world, caller, `${NIC_TYPE}/write`, nic.id, 'PUT');
  }
  ctx.world.publicIps.delete(ip.id);
  log(ctx.world, caller, `${PIP_TYPE}/delete`, ip.id, 'DELETE');
  return ok({ released: ip.id, fromNic: nic?.id ?? null });
}

/** Deallocates at once: the machine stops, and a dynamic public address goes back to Azure. */
function deallocate(ctx: RouteContext) {
  const { body, caller } = changeOf(ctx);
  const vmId = text(body, 'vmId');
  const vm = ctx.world.vms.get(vmId);
  if (!vm) throw resourceNotFound(VM_TYPE, vmId, '');
  vm.powerState = 'deallocated';
  vm.offlineSince = ctx.world.now();
  for (const nic of ctx.world.nicsOf(vm)) {
    const ip = nic.publicIpId ? ctx.world.publicIps.get(nic.publicIpId) : undefined;
    if (ip?.allocation === 'Dynamic') ip.ipAddress = null;
  }
  log(ctx.world, caller, `${VM_TYPE}/deallocate/action`, vm.id, 'POST');
  return ok({ deallocated: vm.id });
}

const adminRoute = (path: string, handle: Route['handle']): Route => ({
  method: 'POST',
  path,
  apiVersions: null,
  write: true,
  handle,
});

export const adminRoutes: Route[] = [
  adminRoute('/admin/security-rules', (ctx) => {
    const { body, caller } = changeOf(ctx);
    const nsg = nsgOf(ctx.world, body);
    const rule = putRuleAs(ctx.world, nsg, caller, text(body, 'name'), body.rule);
    return ok(securityRuleJson(nsg.id, rule), 201);
  }),
  adminRoute('/admin/security-rules/delete', (ctx) => {
    const { body, caller } = changeOf(ctx);
    const nsg = nsgOf(ctx.world, body);
    const name = text(body, 'name');
    if (!deleteRuleAs(ctx.world, nsg, caller, name)) {
      throw resourceNotFound(RULE_TYPE, `${nsg.name}/${name}`, nsg.resourceGroup);
    }
    return ok({ deleted: `${nsg.id}/securityRules/${name}` });
  }),
  adminRoute('/admin/routes', putRoute),
  adminRoute('/admin/subnets/route-table', associateRouteTable),
  adminRoute('/admin/public-ips/release', releasePublicIp),
  adminRoute('/admin/virtual-machines/deallocate', deallocate),
];
