import type { Subnet } from '@azure/arm-network';
import type { VmFacts } from '../../diagnosis/facts';
import type { SubscriptionClients } from '../clients';
import { callAzure } from '../errors';
import { parseResourceId } from '../resource-id';

// The NICs' subnets, read once per diagnosis: the activity log watches the subnet's NSG and the
// provisional verdict reads its rules, so both ask for the same GET.

const lookups = new WeakMap<VmFacts, Map<string, Promise<Subnet>>>();

async function readSubnet(sub: SubscriptionClients, subnetId: string, signal: AbortSignal): Promise<Subnet> {
  const id = parseResourceId(subnetId);
  const subnetName = id?.children[0]?.[1];
  if (!id || !subnetName)
    throw new Error(`ARM returned a subnet with an unreadable resource id '${subnetId}'`);
  return callAzure('Network', () =>
    sub.network.subnets.get(id.resourceGroup, id.name, subnetName, { abortSignal: signal }),
  );
}

/** The subnet `subnetId` of the diagnosis's machine `vm`: one GET, however many gatherers ask. */
export function subnetOf(
  sub: SubscriptionClients,
  vm: VmFacts,
  subnetId: string,
  signal: AbortSignal,
): Promise<Subnet> {
  let byId = lookups.get(vm);
  if (!byId) {
    byId = new Map();
    lookups.set(vm, byId);
  }
  const key = subnetId.toLowerCase();
  let lookup = byId.get(key);
  if (!lookup) {
    lookup = readSubnet(sub, subnetId, signal);
    byId.set(key, lookup);
  }
  return lookup;
}
