import { resourceName } from '../diagnosis/net';
import { isWithin } from '../azure/resource-id';
import type { TouchedResources } from '../azure/fleet-rows';
import type { FleetMachine } from '../digest/machine';

// Which writes can change a Remote Desktop path, and which machines each one can touch, judged from the
// inventory's associations (NSG, subnet, NIC, the subnet's route table, public IP, the machine itself, and
// for a JIT policy the machines of its resource group and region).

/** One succeeded write, from the activity log or an Event Grid delivery. */
export interface ResourceChange {
  /** The ARM correlation id: the same whichever way the change arrives. */
  changeId: string;
  /** ISO 8601 UTC: the event's eventTimestamp. */
  time: string;
  operationName: string;
  resourceId: string;
  /** Who made it (a UPN or an application id), as the activity log names them. */
  caller: string | null;
}

type Kind = 'nsg' | 'nic' | 'subnet' | 'route-table' | 'public-ip' | 'vm-power' | 'jit';

const KINDS: readonly { kind: Kind; pattern: RegExp }[] = [
  { kind: 'nsg', pattern: /^microsoft\.network\/networksecuritygroups(\/securityrules)?\/(write|delete)$/ },
  { kind: 'nic', pattern: /^microsoft\.network\/networkinterfaces\/(write|delete)$/ },
  { kind: 'subnet', pattern: /^microsoft\.network\/virtualnetworks\/subnets\/(write|delete)$/ },
  { kind: 'route-table', pattern: /^microsoft\.network\/routetables(\/routes)?\/(write|delete)$/ },
  { kind: 'public-ip', pattern: /^microsoft\.network\/publicipaddresses\/(write|delete)$/ },
  {
    kind: 'vm-power',
    pattern: /^microsoft\.compute\/virtualmachines\/(start|deallocate|poweroff)\/action$/,
  },
  {
    kind: 'jit',
    pattern: /^microsoft\.security\/locations\/jitnetworkaccesspolicies\/(write|delete|initiate\/action)$/,
  },
];

function kindOf(change: ResourceChange): Kind | null {
  const operation = change.operationName.toLowerCase();
  return KINDS.find((entry) => entry.pattern.test(operation))?.kind ?? null;
}

/** Whether the write can change whether someone reaches a machine's dialed port. */
export function touchesPath(change: ResourceChange): boolean {
  return kindOf(change) !== null;
}

/** The part of an id up to and including `/<segment>/<name>`. */
function parentOf(id: string, segment: string): string {
  const match = new RegExp(`^(.*?/${segment}/[^/]+)`, 'i').exec(id);
  return match ? match[1] : id;
}

const groupOf = (id: string) => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? null;
/** `West Europe` and `westeurope` are the same region. */
const region = (name: string) => name.replace(/\s+/g, '').toLowerCase();
const locationOf = (id: string) => {
  const found = /\/locations\/([^/]+)/i.exec(id)?.[1];
  return found ? region(found) : null;
};

/** A JIT policy covers machines of its resource group in its region (its id names both). */
function coveredByJit(policyId: string, machine: FleetMachine): boolean {
  const location = locationOf(policyId);
  return (
    machine.resourceGroup.toLowerCase() === groupOf(policyId) &&
    (location === null || region(machine.location) === location)
  );
}

/** The machines of the inventory the change can touch. */
export function affectedMachines(change: ResourceChange, machines: readonly FleetMachine[]): FleetMachine[] {
  const id = change.resourceId;
  switch (kindOf(change)) {
    case 'nsg': {
      const nsgId = parentOf(id, 'networkSecurityGroups');
      return machines.filter((machine) => machine.nsgs.some((group) => isWithin(nsgId, group.nsgId)));
    }
    case 'nic':
      return machines.filter((machine) => machine.nic !== null && isWithin(id, machine.nic.id));
    case 'subnet':
      return machines.filter(
        (machine) => machine.nic?.subnetId != null && isWithin(machine.nic.subnetId, id),
      );
    case 'public-ip':
      return machines.filter((machine) => machine.publicIp !== null && isWithin(id, machine.publicIp.id));
    case 'vm-power': {
      const vmId = parentOf(id, 'virtualMachines');
      return machines.filter((machine) => isWithin(vmId, machine.id));
    }
    case 'route-table': {
      const tableId = parentOf(id, 'routeTables');
      return machines.filter(
        (machine) => machine.routeTable !== null && isWithin(tableId, machine.routeTable.id),
      );
    }
    case 'jit':
      return machines.filter((machine) => coveredByJit(id, machine));
    default:
      return [];
  }
}

/**
 * What the changes wrote, as the inventory reads the machines behind them (lower-case ids): NSGs and
 * route tables are followed to their subnets by the reader, which has the network.
 */
export function touchedResources(changes: readonly ResourceChange[]): TouchedResources {
  const sets = {
    vmIds: new Set<string>(),
    nicIds: new Set<string>(),
    nsgIds: new Set<string>(),
    subnetIds: new Set<string>(),
    routeTableIds: new Set<string>(),
    publicIpIds: new Set<string>(),
    resourceGroups: new Set<string>(),
  };
  for (const change of changes) {
    const id = change.resourceId;
    const kind = kindOf(change);
    if (kind === 'nsg') sets.nsgIds.add(parentOf(id, 'networkSecurityGroups').toLowerCase());
    else if (kind === 'nic') sets.nicIds.add(parentOf(id, 'networkInterfaces').toLowerCase());
    else if (kind === 'subnet') sets.subnetIds.add(parentOf(id, 'subnets').toLowerCase());
    else if (kind === 'route-table') sets.routeTableIds.add(parentOf(id, 'routeTables').toLowerCase());
    else if (kind === 'public-ip') sets.publicIpIds.add(parentOf(id, 'publicIPAddresses').toLowerCase());
    else if (kind === 'vm-power') sets.vmIds.add(parentOf(id, 'virtualMachines').toLowerCase());
    else if (kind === 'jit') {
      const group = groupOf(id);
      if (group) sets.resourceGroups.add(group);
    }
  }
  return {
    vmIds: [...sets.vmIds],
    nicIds: [...sets.nicIds],
    nsgIds: [...sets.nsgIds],
    subnetIds: [...sets.subnetIds],
    routeTableIds: [...sets.routeTableIds],
    publicIpIds: [...sets.publicIpIds],
    resourceGroups: [...sets.resourceGroups],
  };
}

/** The changed resource in a person's words: `rule X in NSG Y`, `route R in route table T`, `NIC N`. */
function changedResource(change: ResourceChange): string {
  const id = change.resourceId;
  const child = (parent: string, childSegment: string) =>
    new RegExp(`/${parent}/([^/]+)/${childSegment}/([^/]+)`, 'i').exec(id);
  const rule = child('networkSecurityGroups', 'securityRules');
  if (rule) return `rule ${rule[2]} in NSG ${rule[1]}`;
  const route = child('routeTables', 'routes');
  if (route) return `route ${route[2]} in route table ${route[1]}`;
  const subnet = child('virtualNetworks', 'subnets');
  if (subnet) return `subnet ${subnet[2]} of ${subnet[1]}`;
  const named: Record<Kind, string> = {
    nsg: 'NSG',
    nic: 'NIC',
    subnet: 'subnet',
    'route-table': 'route table',
    'public-ip': 'public IP',
    'vm-power': 'VM',
    jit: 'JIT policy',
  };
  const kind = kindOf(change);
  return `${kind ? named[kind] : 'resource'} ${resourceName(id)}`;
}

/** `rule Deny-RDP-Hardening in NSG web-nsg written`, `VM vm-web-01 deallocated` */
export function describeChange(change: ResourceChange): string {
  const operation = change.operationName.split('/');
  const verb = operation[operation.length - 1].toLowerCase();
  const what = changedResource(change);
  const done: Record<string, string> = {
    write: 'written',
    delete: 'deleted',
    start: 'started',
    deallocate: 'deallocated',
    poweroff: 'powered off',
  };
  if (verb === 'action' && kindOf(change) === 'jit') {
    return `JIT access requested through policy ${resourceName(parentOf(change.resourceId, 'jitNetworkAccessPolicies'))}`;
  }
  if (verb === 'action') {
    const action = operation[operation.length - 2].toLowerCase();
    const vm = /\/virtualMachines\/([^/]+)/i.exec(change.resourceId)?.[1] ?? resourceName(change.resourceId);
    return `VM ${vm} ${done[action] ?? action}`;
  }
  return `${what} ${done[verb] ?? verb}`;
}
