import type { NetworkInterface, NetworkSecurityGroup, World } from '../world';
import { decidingRule, type Packet } from './nsg';

// IP flow verify the way Network Watcher answers it: a packet must pass both the subnet's NSG and the NIC's
// NSG (inbound: subnet first, then NIC; outbound: the reverse). The first NSG that denies names the rule.

export interface AttachedNsg {
  scope: 'subnet' | 'nic';
  nsg: NetworkSecurityGroup;
}

/** The NSGs that filter a NIC's traffic, subnet first. */
export function attachedNsgs(world: World, nic: NetworkInterface): AttachedNsg[] {
  const subnetNsgId = world.subnet(nic.subnetId)?.subnet.nsgId;
  const subnetNsg = subnetNsgId ? world.nsgs.get(subnetNsgId) : undefined;
  const nicNsg = nic.nsgId ? world.nsgs.get(nic.nsgId) : undefined;
  return [
    ...(subnetNsg ? [{ scope: 'subnet' as const, nsg: subnetNsg }] : []),
    ...(nicNsg ? [{ scope: 'nic' as const, nsg: nicNsg }] : []),
  ];
}

export function vnetPrefixesOf(world: World, nic: NetworkInterface): string[] {
  return world.subnet(nic.subnetId)?.vnet.addressPrefixes ?? [];
}

export interface FlowVerdict {
  access: 'Allow' | 'Deny';
  /** Empty when no NSG filters the NIC at all. */
  ruleName: string;
}

export function verifyIpFlow(world: World, nic: NetworkInterface, packet: Packet): FlowVerdict {
  const groups = attachedNsgs(world, nic);
  const ordered = packet.direction === 'Inbound' ? groups : [...groups].reverse();
  const prefixes = vnetPrefixesOf(world, nic);
  let verdict: FlowVerdict = { access: 'Allow', ruleName: '' };
  for (const { nsg } of ordered) {
    const { name, rule } = decidingRule(nsg, packet, prefixes, world.now());
    verdict = { access: rule.access, ruleName: name };
    if (rule.access === 'Deny') break;
  }
  return verdict;
}
