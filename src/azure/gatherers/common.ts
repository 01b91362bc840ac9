import ipaddr from 'ipaddr.js';
import type { NicFacts, VmFacts } from '../../diagnosis/facts';

// What several gatherers share: which NIC and port the session uses, and the source address to test with.

export const SECOND = 1000;

/** The NIC RDP arrives on: the primary one (a single NIC is primary). */
export function primaryNic(vm: VmFacts): NicFacts {
  const nic = vm.nics.find((n) => n.primary) ?? vm.nics[0];
  if (!nic) throw new Error(`${vm.name} has no network interface`);
  return nic;
}

export function primaryPrivateIp(vm: VmFacts): string {
  const nic = primaryNic(vm);
  if (!nic.privateIp) throw new Error(`The primary NIC ${nic.name} of ${vm.name} has no private IP address`);
  return nic.privateIp;
}

/** The port a session dials: RDP on Windows, SSH on Linux (docs/causes.md). */
export function dialedPort(vm: VmFacts): number {
  return vm.osType === 'Linux' ? 22 : 3389;
}

/** The address to test a source with: the address itself, or the first address of a range. */
export function sourceAddress(source: string): string {
  const text = source.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text))
    return ipaddr.process(text).toString();
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text))
    return ipaddr.IPv4.networkAddressFromCIDR(text).toString();
  if (ipaddr.IPv6.isValidCIDR(text)) return ipaddr.IPv6.networkAddressFromCIDR(text).toString();
  throw new Error(`The source '${source}' is not an IP address or CIDR range`);
}

/** Effective rules and Network Watcher answer only for a running VM. */
export function skipUnlessRunning(vm: VmFacts, what: string): string | null {
  return vm.powerState === 'running'
    ? null
    : `${vm.name} is ${vm.powerState}: Azure computes ${what} only for a running VM`;
}
