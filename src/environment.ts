import { createAzureClients, type AzureClients } from './azure/clients';
import type { DnsResolver } from './azure/gatherers/dns';
import type { Config } from './config';
import type { FactKey } from './diagnosis/facts';
import { loadAzureSandbox, type SandboxAzure, type SandboxOptions } from './stand-ins';

/** Where Azure is for this process: the real cloud from config, or the built-in sandbox on loopback. */
export interface AzureEnvironment {
  clients: AzureClients;
  resolveHost?: DnsResolver;
  /**
   * How long each gatherer waits for this Azure, by fact, where it should not be the gatherer's own
   * (the sandbox's shortened latency); diagnoses and the checks around a fix alike.
   */
  timeouts?: Partial<Record<FactKey, number>>;
  sandbox?: SandboxAzure;
  close(): Promise<void>;
}

export class EnvironmentError extends Error {
  readonly code = 'environment';
}

/** The sandbox package (packages/azure-sandbox), loaded only now: the product never ships it. */
export async function openSandboxAzure(options: SandboxOptions = {}): Promise<AzureEnvironment> {
  const { startSandbox } = await loadAzureSandbox();
  const sandbox = await startSandbox(options);
  const clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
  });
  return { clients, sandbox, resolveHost: (host) => sandbox.resolveHost(host), close: () => sandbox.stop() };
}

export function openConfiguredAzure(config: Config): AzureEnvironment {
  if (config.AZURE_SUBSCRIPTION_IDS.length === 0) {
    throw new EnvironmentError(
      'No Azure subscription configured: set AZURE_SUBSCRIPTION_IDS to a comma-separated list of subscription ids (or try the sandbox with --sandbox).',
    );
  }
  const clients = createAzureClients({
    endpoint: config.AZURE_RESOURCE_MANAGER_ENDPOINT,
    subscriptionIds: config.AZURE_SUBSCRIPTION_IDS,
    accessToken: config.AZURE_ACCESS_TOKEN,
  });
  return { clients, close: async () => undefined };
}
