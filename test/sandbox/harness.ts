import { createAzureClients, type AzureClients, type SubscriptionClients } from '../../src/azure/clients';
import { RESOURCE_GROUP } from '@rdp-doctor/azure-sandbox/foundation';
import { startSandbox, type Sandbox, type SandboxOptions } from '@rdp-doctor/azure-sandbox';

// Starts a sandbox and the real SDK clients pointed at it, the way the CLI's --sandbox mode does.

export const RG = RESOURCE_GROUP;

export interface Harness {
  sandbox: Sandbox;
  clients: AzureClients;
  sub: SubscriptionClients;
}

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId, sandbox.otherSubscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
    // Throttling and 5xx answers are asserted as the SDK first sees them, without its retry budget.
    maxRetries: 0,
  });
  return { sandbox, clients, sub: clients.forSubscription(sandbox.subscriptionId) };
}

/** The primary NIC's private address, as the gatherers read it from the NIC. */
export async function privateIpOf(harness: Harness, vm: string): Promise<string> {
  const nic = await harness.sub.network.networkInterfaces.get(RG, `${vm}-nic`);
  return nic.ipConfigurations?.[0].privateIPAddress ?? '';
}
