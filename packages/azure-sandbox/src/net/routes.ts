import type { NetworkInterface, NextHopType, World } from '../world';
import { cidrContains, parseCidr, parseIpv4 } from './ip';

// Effective routes and next hop as Azure computes them for a NIC: the system routes every subnet gets, the
// subnet's route table on top (a user route with the same prefix invalidates the system route), and the
// longest matching prefix among active routes decides.

export interface EffectiveRoute {
  name?: string;
  source: 'Default' | 'User';
  state: 'Active' | 'Invalid';
  addressPrefix: string[];
  nextHopType: NextHopType;
  nextHopIpAddress: string[];
  /** The user route's route table, for next hop's `routeTableId`. */
  routeTableId?: string;
}

const DROPPED_PRIVATE_RANGES = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];

function systemRoutes(vnetPrefixes: string[]): EffectiveRoute[] {
  const route = (prefix: string, nextHopType: NextHopType): EffectiveRoute => ({
    source: 'Default',
    state: 'Active',
    addressPrefix: [prefix],
    nextHopType,
    nextHopIpAddress: [],
  });
  return [
    ...vnetPrefixes.map((prefix) => route(prefix, 'VnetLocal')),
    route('0.0.0.0/0', 'Internet'),
    ...DROPPED_PRIVATE_RANGES.map((prefix) => route(prefix, 'None')),
  ];
}

export function effectiveRoutes(world: World, nic: NetworkInterface): EffectiveRoute[] {
  const found = world.subnet(nic.subnetId);
  if (!found) return [];
  const table = found.subnet.routeTableId ? world.routeTables.get(found.subnet.routeTableId) : undefined;
  const user: EffectiveRoute[] = (table?.routes ?? []).map((route) => ({
    name: route.name,
    source: 'User',
    state: 'Active',
    addressPrefix: [route.addressPrefix],
    nextHopType: route.nextHopType,
    nextHopIpAddress: route.nextHopIpAddress ? [route.nextHopIpAddress] : [],
    routeTableId: table?.id,
  }));
  const overridden = new Set(user.map((route) => route.addressPrefix[0]));
  const system = systemRoutes(found.vnet.addressPrefixes).map((route) =>
    overridden.has(route.addressPrefix[0]) ? { ...route, state: 'Invalid' as const } : route,
  );
  return [...system, ...user];
}

export interface NextHop {
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
  /** The user route's route table id, or `System Route`. */
  routeTableId: string;
}

export function nextHop(world: World, nic: NetworkInterface, destinationIp: string): NextHop {
  const destination = parseIpv4(destinationIp);
  let best: { route: EffectiveRoute; bits: number } | undefined;
  for (const route of effectiveRoutes(world, nic)) {
    const cidr = parseCidr(route.addressPrefix[0]);
    if (route.state !== 'Active' || !cidr || destination === null || !cidrContains(cidr, destination))
      continue;
    const better = !best || cidr.bits > best.bits || (cidr.bits === best.bits && route.source === 'User');
    if (better) best = { route, bits: cidr.bits };
  }
  if (!best) return { nextHopType: 'None', routeTableId: 'System Route' };
  return {
    nextHopType: best.route.nextHopType,
    ...(best.route.nextHopIpAddress[0] ? { nextHopIpAddress: best.route.nextHopIpAddress[0] } : {}),
    routeTableId: best.route.routeTableId ?? 'System Route',
  };
}
