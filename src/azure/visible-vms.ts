import type { VmIdentity } from '../diagnosis/facts';
import type { AzureClients } from './clients';
import { callAzure } from './errors';
import { identityOf } from './resolve-vm';

/**
 * Every VM the identity can read in `subscriptionIds`: what a name in free text is checked against, so a
 * word counts as a machine only when such a machine exists. One paged list call per subscription.
 */
export async function listVisibleVms(
  clients: AzureClients,
  subscriptionIds: readonly string[],
  signal?: AbortSignal,
): Promise<VmIdentity[]> {
  const perSubscription = await Promise.all(
    subscriptionIds.map((subscriptionId) =>
      callAzure('Compute', async () => {
        const { compute } = clients.forSubscription(subscriptionId);
        const found: VmIdentity[] = [];
        for await (const vm of compute.virtualMachines.listAll({ abortSignal: signal })) {
          found.push(identityOf(vm, subscriptionId));
        }
        return found;
      }),
    ),
  );
  return perSubscription.flat();
}
