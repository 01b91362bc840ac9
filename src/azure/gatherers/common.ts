import ipaddr from 'ipaddr.js';
import type { NicFacts, VmFacts } from '../../diagnosis/facts';
import type { SubscriptionClients } from '../clients';
import { callAzure } from '../errors';
import { GatherSkipped, type GatherContext } from '../gatherer';
import { requireResourceId, sameLocation } from '../resource-id';

// What several gatherers share: which NIC and port the session uses, the source address to test with,
// and the region's Network Watcher.

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

export interface WatcherRef {
  resourceGroup: string;
  name: string;
}

/** The subscription's Network Watcher in `location`, or null when the region has none. */
export async function watcherIn(
  sub: SubscriptionClients,
  location: string,
  signal?: AbortSignal,
): Promise<WatcherRef | null> {
  const watchers = sub.network.networkWatchers;
  const found = await callAzure('Network Watcher', async () => {
    for await (const watcher of watchers.listAll({ abortSignal: signal })) {
      if (watcher.location && sameLocation(watcher.location, location)) return watcher;
    }
    return null;
  });
  if (!found) return null;
  const id = requireResourceId(found.id, 'a Network Watcher');
  return { resourceGroup: id.resourceGroup, name: found.name ?? id.name };
}

async function findRegionalWatcher(ctx: GatherContext): Promise<WatcherRef> {
  const found = await watcherIn(ctx.sub, ctx.vm.location, ctx.signal);
  if (!found) {
    throw new GatherSkipped(
      `No Network Watcher in ${ctx.vm.location} for subscription ${ctx.sub.subscriptionId}; ` +
        `enable it with \`az network watcher configure --locations ${ctx.vm.location} --enabled true -g NetworkWatcherRG\``,
    );
  }
  return found;
}

// IP flow verify and next hop both need the VM's regional watcher: one lookup per diagnosis (keyed by
// the diagnosis's machine facts), not one per check.
const watcherLookups = new WeakMap<GatherContext['vm'], Promise<WatcherRef>>();

/**
 * The Network Watcher of the VM's region. Azure creates one per region on demand, usually in
 * NetworkWatcherRG; with none, its checks cannot run and the fact is skipped, saying how to enable it.
 */
export function regionalWatcher(ctx: GatherContext): Promise<WatcherRef> {
  let lookup = watcherLookups.get(ctx.vm);
  if (!lookup) {
    lookup = findRegionalWatcher(ctx);
    watcherLookups.set(ctx.vm, lookup);
  }
  return lookup;
}

/** Network Watcher's own throttling and busy answers, said in its words. */
export const NETWORK_WATCHER_HINTS = {
  429: 'too many requests for this subscription; retry later',
  409: 'another Network Watcher check is running against this VM; wait for it to finish and retry',
};
