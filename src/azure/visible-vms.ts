import type { VirtualMachine } from '@azure/arm-compute';
import type { VmIdentity } from '../diagnosis/facts';
import type { AzureClients } from './clients';
import { callAzure } from './errors';
import { parseResourceId } from './resource-id';

/** The identity of a VM as ARM returned it (ARM's spelling of the names wins over what was typed). */
export function identityOf(vm: VirtualMachine, subscriptionId: string): VmIdentity {
  const id = vm.id ? parseResourceId(vm.id) : null;
  if (!vm.id || !id || !vm.name || !vm.location) {
    throw new Error(`ARM returned a virtual machine without an id, name or location (${vm.id ?? 'no id'})`);
  }
  return { id: vm.id, name: vm.name, resourceGroup: id.resourceGroup, subscriptionId, location: vm.location };
}

/** The list of each subscription's VMs while one is being read, per set of clients. */
const listsInFlight = new WeakMap<AzureClients, Map<string, Promise<VmIdentity[]>>>();

function readSubscriptionVms(clients: AzureClients, subscriptionId: string): Promise<VmIdentity[]> {
  return callAzure('Compute', async () => {
    const { compute } = clients.forSubscription(subscriptionId);
    const found: VmIdentity[] = [];
    for await (const vm of compute.virtualMachines.listAll()) found.push(identityOf(vm, subscriptionId));
    return found;
  });
}

/** The list, or the caller's abort if it comes first (the list goes on for the others waiting on it). */
function untilAborted<T>(list: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return list;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    list.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * Every VM the identity can read in one subscription (one paged list call). Callers asking while a list
 * is being read share it: a burst of `/rdp <name>` on a busy morning lists the subscription once, not
 * once per command. Nothing is kept once the list is answered.
 */
export function listSubscriptionVms(
  clients: AzureClients,
  subscriptionId: string,
  signal?: AbortSignal,
): Promise<VmIdentity[]> {
  let lists = listsInFlight.get(clients);
  if (!lists) listsInFlight.set(clients, (lists = new Map()));
  let list = lists.get(subscriptionId);
  if (!list) {
    const reading = readSubscriptionVms(clients, subscriptionId);
    list = reading.finally(() => lists.delete(subscriptionId));
    lists.set(subscriptionId, list);
  }
  return untilAborted(list, signal);
}

/**
 * Every VM the identity can read in `subscriptionIds`: what a name in free text is checked against, so a
 * word counts as a machine only when such a machine exists.
 */
export async function listVisibleVms(
  clients: AzureClients,
  subscriptionIds: readonly string[],
  signal?: AbortSignal,
): Promise<VmIdentity[]> {
  const perSubscription = await Promise.all(
    subscriptionIds.map((subscriptionId) => listSubscriptionVms(clients, subscriptionId, signal)),
  );
  return perSubscription.flat();
}
