import type { EffectiveNsgGroup, EffectiveRule } from '../diagnosis/facts';
import {
  describeRule,
  dialedPort,
  evaluateNsg,
  isPublicAddress,
  parseRange,
  portRangeIncludes,
  resourceName,
  ruleAimsAt,
  type Destinations,
} from '../diagnosis/net';
import type { FleetMachine, FleetPublicIp } from './machine';

// Whether the internet reaches a machine's management port at its public address: the question behind
// the exposure risks. The path is open from a public source when a rule allows that source and every NSG
// on the path (subnet, then NIC) lets it through.

export interface Exposure {
  port: number;
  publicIp: FleetPublicIp;
  /** The public source admitted, as the allowing rule writes it ('*', 'Internet', '203.0.113.0/24'). */
  source: string;
  /** `allow rule Allow-RDP-FromOffice (priority 300) in NSG vm-01-nsg`, or why nothing filters. */
  path: string;
}

const WHOLE_INTERNET = '0.0.0.0/0';
/** Azure's platform address: the load balancer's health probes come from it, clients never do. */
const PLATFORM_ADDRESS = '168.63.129.16/32';

/** A source a client on the internet can have. */
function isInternetSource(prefix: string): boolean {
  return prefix === WHOLE_INTERNET || (prefix !== PLATFORM_ADDRESS && isPublicAddress(prefix));
}

function admitsPort(rule: EffectiveRule, port: number): boolean {
  return (
    rule.direction === 'Inbound' &&
    rule.access === 'Allow' &&
    ['tcp', 'all', '*'].includes(rule.protocol.toLowerCase()) &&
    rule.destinationPortRanges.some((range) => portRangeIncludes(range, port))
  );
}

/** The machine's private address, where its NSGs see inbound traffic; null when the inventory has none. */
export function machineDestinations(machine: FleetMachine): Destinations {
  return machine.nic?.privateIp ? [machine.nic.privateIp] : null;
}

function firstOpenSource(
  groups: readonly EffectiveNsgGroup[],
  port: number,
  destinations: Destinations,
): { group: EffectiveNsgGroup; rule: EffectiveRule; prefix: string } | null {
  for (const group of groups) {
    for (const rule of group.rules) {
      if (!admitsPort(rule, port) || !ruleAimsAt(rule, destinations)) continue;
      for (const prefix of rule.sourcePrefixes) {
        if (!isInternetSource(prefix)) continue;
        if (evaluateNsg([...groups], port, prefix, destinations).access === 'Allow')
          return { group, rule, prefix };
      }
    }
  }
  return null;
}

/** How the internet reaches the machine's dialed port at its public IP, or null when it cannot. */
export function exposure(machine: FleetMachine): Exposure | null {
  const publicIp = machine.publicIp;
  if (!publicIp) return null;
  const port = dialedPort(machine.osType);
  if (machine.nsgs.length === 0) {
    return { port, publicIp, source: 'any address', path: 'no NSG on the NIC or its subnet filters it' };
  }
  const open = firstOpenSource(machine.nsgs, port, machineDestinations(machine));
  if (!open) return null;
  const { group, rule, prefix } = open;
  // A service tag or '*' expands to 0.0.0.0/0; name it the way the rule writes it.
  const written =
    prefix === WHOLE_INTERNET
      ? (rule.sourcePrefixesAsWritten.find((text) => parseRange(text) === null) ?? prefix)
      : prefix;
  return {
    port,
    publicIp,
    source: written,
    path: `${describeRule(rule)} in NSG ${resourceName(group.nsgId)}`,
  };
}

/** `public IP vm-01-pip (198.51.100.10, static)` */
export function describePublicIp(ip: FleetPublicIp): string {
  const address = ip.address ?? 'no address while deallocated';
  return `public IP ${ip.name} (${address}, ${ip.allocation.toLowerCase()})`;
}
