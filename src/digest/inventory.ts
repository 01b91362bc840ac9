import type { EffectiveNsgGroup } from '../diagnosis/facts';
import { nsgAsWritten } from '../diagnosis/nsg-as-written';
import { resourceName } from '../diagnosis/net';
import type {
  FleetRead,
  JitRow,
  MachineRow,
  MetricsRead,
  NetworkRow,
  RouteRow,
  SecurityRuleRow,
} from '../azure/fleet-rows';
import type { FleetMachine, FleetRouteTable } from './machine';
import type { DigestScope } from './scope';

// The fleet inventory, Azure-free: the in-memory join that turns the rows the Resource Graph queries
// project (src/azure/fleet-rows.ts) into FleetMachine facts. Resource Graph writes a missing value as ''
// (tostring of null), so '' reads as absent throughout.

export type FleetInventory = FleetRead<FleetMachine>;

/** Reads the fleet from Azure: one query set for the whole scope, then metrics for a few machines. */
export interface FleetReader {
  /** `scope.subscriptions` must be resolved (never empty). */
  inventory(scope: DigestScope): Promise<FleetInventory>;
  /** Platform metrics of the machines, by lower-case machine id; the calls add to the inventory's count. */
  metrics(machines: readonly FleetMachine[], now: Date): Promise<MetricsRead>;
}

const present = (text: string | null | undefined): string | null => (text ? text : null);
const key = (id: string) => id.toLowerCase();
const vnetOf = (subnetId: string) => subnetId.replace(/\/subnets\/[^/]+$/i, '');

function routeTableOf(id: string, routes: readonly RouteRow[] | null): FleetRouteTable {
  return {
    id,
    routes: (routes ?? []).map((route) => ({
      name: route.name,
      addressPrefix: route.properties.addressPrefix,
      nextHopType: route.properties.nextHopType,
      nextHopIp: present(route.properties.nextHopIpAddress),
    })),
  };
}

function powerStateOf(code: string): string {
  return code.toLowerCase().startsWith('powerstate/')
    ? code.slice('PowerState/'.length).toLowerCase()
    : 'unknown';
}

/** Resource Graph documents no agent status: the reader fills it in from instance views, when it reads one. */
const AGENT_UNREAD: FleetMachine['agent'] = { status: 'unknown', message: null };

/**
 * Joins machine rows with the network and JIT rows, which are read first so that machine pages turn into
 * facts as they arrive. NSG groups are built once per NSG and virtual network and shared between machines.
 */
export function fleetJoiner(
  network: readonly NetworkRow[],
  jit: readonly JitRow[],
): (row: MachineRow) => FleetMachine {
  const subnets = new Map<string, Extract<NetworkRow, { kind: 'subnet' }>>();
  const subnetNsgRules = new Map<string, SecurityRuleRow[]>();
  const routeTables = new Map<string, FleetRouteTable>();
  const bastions = new Map<string, string>();
  const vnetPrefixes = new Map<string, string[]>();
  for (const row of network) {
    if (row.kind === 'subnet') {
      subnets.set(key(row.id), row);
      vnetPrefixes.set(key(row.vnetId), row.addressPrefixes ?? []);
    } else if (row.kind === 'subnet-nsg') subnetNsgRules.set(key(row.id), row.rules ?? []);
    else if (row.kind === 'route-table') routeTables.set(key(row.id), routeTableOf(row.id, row.routes));
    else bastions.set(key(row.vnetId), row.name);
  }
  const jitPorts = new Map(
    jit.map((row) => [key(row.id), (row.ports ?? []).map((port) => Number(port.number))]),
  );
  const groups = new Map<string, EffectiveNsgGroup>();
  const group = (
    nsgId: string,
    scope: EffectiveNsgGroup['scope'],
    rules: readonly SecurityRuleRow[],
    vnetId: string,
  ) => {
    const cacheKey = `${key(nsgId)}|${scope}|${key(vnetId)}`;
    let built = groups.get(cacheKey);
    if (!built) {
      built = nsgAsWritten(nsgId, scope, rules, vnetPrefixes.get(key(vnetId)) ?? []);
      groups.set(cacheKey, built);
    }
    return built;
  };

  return (row) => {
    const subnetId = present(row.subnetId);
    const vnetId = subnetId ? vnetOf(subnetId) : '';
    const nsgs: EffectiveNsgGroup[] = [];
    const subnetNsgId = subnetId ? present(subnets.get(key(subnetId))?.nsgId) : null;
    const subnetRules = subnetNsgId ? subnetNsgRules.get(key(subnetNsgId)) : undefined;
    if (subnetNsgId && subnetRules) nsgs.push(group(subnetNsgId, 'subnet', subnetRules, vnetId));
    const nicNsgId = present(row.nicNsgId);
    if (nicNsgId) nsgs.push(group(nicNsgId, 'nic', row.nicNsgRules ?? [], vnetId));
    const publicIpId = present(row.publicIpId);
    const routeTableId = subnetId ? present(subnets.get(key(subnetId))?.routeTableId) : null;
    return {
      id: row.id,
      name: row.name,
      resourceGroup: row.resourceGroup,
      subscriptionId: row.subscriptionId,
      location: row.location,
      osType: row.osType.toLowerCase() === 'linux' ? 'Linux' : 'Windows',
      powerState: powerStateOf(row.powerState),
      agent: row.agent ?? AGENT_UNREAD,
      bootDiagnostics: row.bootDiagnostics === true,
      tags: row.tags ?? {},
      nic: present(row.nicId)
        ? { id: row.nicId, name: resourceName(row.nicId), privateIp: present(row.privateIp), subnetId }
        : null,
      publicIp: publicIpId
        ? {
            id: publicIpId,
            name: present(row.publicIpName) ?? resourceName(publicIpId),
            address: present(row.publicIpAddress),
            allocation: row.publicIpAllocation.toLowerCase() === 'dynamic' ? 'Dynamic' : 'Static',
            fqdn: present(row.publicIpFqdn),
          }
        : null,
      nsgs,
      // A table the network rows do not list has no routes that could change a path.
      routeTable: routeTableId
        ? (routeTables.get(key(routeTableId)) ?? { id: routeTableId, routes: [] })
        : null,
      vnetPrefixes: vnetPrefixes.get(key(vnetId)) ?? [],
      jitPorts: jitPorts.get(key(row.id)) ?? [],
      bastion: bastions.get(key(vnetId)) ?? null,
    };
  };
}

/** Why a running machine's metrics are worth reading, strongest first. */
export interface MetricSignals {
  /** Machines the previous digest found heading for exhaustion: is it resolved? (lower-case ids) */
  previouslyTrending: ReadonlySet<string>;
  /** Machines a diagnosis of the period found short of memory, disk or CPU (lower-case ids). */
  diagnosedStarved: ReadonlySet<string>;
}

/**
 * The running machines whose metrics the digest reads: those the previous digest or a diagnosis flagged,
 * then those whose agent is not ready (a starved guest stops answering its agent first), at most `cap`.
 */
export function selectForMetrics(
  machines: readonly FleetMachine[],
  signals: MetricSignals,
  cap: number,
): { selected: FleetMachine[]; flagged: number } {
  const strength = (machine: FleetMachine): number => {
    if (machine.powerState !== 'running') return 0;
    const id = key(machine.id);
    if (signals.previouslyTrending.has(id)) return 3;
    if (signals.diagnosedStarved.has(id)) return 2;
    return machine.agent.status === 'not-ready' ? 1 : 0;
  };
  const flagged = machines
    .map((machine) => ({ machine, strength: strength(machine) }))
    .filter((entry) => entry.strength > 0)
    .sort((a, b) => b.strength - a.strength || a.machine.name.localeCompare(b.machine.name));
  return { selected: flagged.slice(0, cap).map((entry) => entry.machine), flagged: flagged.length };
}
