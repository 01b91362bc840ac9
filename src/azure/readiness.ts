import type { Probe } from '../readiness';
import type { AzureClients } from './clients';

/**
 * One cheap ARM read with the configured credential: the first page of the first subscription's Network
 * Watchers (a handful per subscription, and the diagnose role may read them). It proves the credential yields
 * a token and ARM accepts it, without listing a fleet.
 */
export function azureProbe(clients: AzureClients, timeoutMs: number): Probe {
  return async () => {
    const [subscriptionId] = clients.settings.subscriptionIds;
    if (!subscriptionId) throw new Error('no Azure subscription configured: set AZURE_SUBSCRIPTION_IDS');
    const pages = clients
      .forSubscription(subscriptionId)
      .network.networkWatchers.listAll({ abortSignal: AbortSignal.timeout(timeoutMs) })
      .byPage();
    await pages.next();
  };
}
