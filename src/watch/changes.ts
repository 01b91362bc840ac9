import { resourceName } from '../diagnosis/net';
import { isWithin } from '../azure/resource-id';
import type { FleetMachine } from '../digest/machine';

// Which writes can change a Remote Desktop path, and which machines each one can touch, judged from the
// inventory's associations (NSG, subnet, NIC, public IP, the machine itself, its resource group's JIT).

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
    // The inventory does not carry route-table associations; a JIT policy covers its resource group.
    case 'route-table':
    case 'jit': {
      const group = groupOf(id);
      return machines.filter((machine) => machine.resourceGroup.toLowerCase() === group);
    }
    default:
      return [];
  }
}

/** `securityRules/Deny-RDP-Hardening in NSG web-nsg was written` */
export function describeChange(change: ResourceChange): string {
  const operation = change.operationName.split('/');
  const verb = operation[operation.length - 1].toLowerCase();
  const rule = /\/networkSecurityGroups\/([^/]+)\/securityRules\/([^/]+)/i.exec(change.resourceId);
  const what = rule
    ? `rule ${rule[2]} in NSG ${rule[1]}`
    : `${operation[operation.length - 2] ?? 'resource'} ${resourceName(change.resourceId)}`;
  const done: Record<string, string> = {
    write: 'written',
    delete: 'deleted',
    start: 'started',
    deallocate: 'deallocated',
    poweroff: 'powered off',
  };
  if (verb === 'action') {
    const action = operation[operation.length - 2].toLowerCase();
    const vm = /\/virtualMachines\/([^/]+)/i.exec(change.resourceId)?.[1] ?? resourceName(change.resourceId);
    return `VM ${vm} ${done[action] ?? action}`;
  }
  return `${what} ${done[verb] ?? verb}`;
}
