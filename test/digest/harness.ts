import { createAzureClients, type AzureClients } from '../../src/azure/clients';
import { azureFleetReader } from '../../src/azure/fleet';
import { fleetJoiner, type FleetReader } from '../../src/digest/inventory';
import type { DigestScope } from '../../src/digest/scope';
import { startSandbox, type Sandbox, type SandboxOptions } from '@rdp-doctor/azure-sandbox';

// A sandbox and the real SDK clients pointed at it, as the app's --sandbox mode makes them.

export interface FleetHarness {
  sandbox: Sandbox;
  clients: AzureClients;
  reader: FleetReader;
  scope: DigestScope;
  /** Resource Graph requests the sandbox answered since `since` (epoch ms). */
  graphCalls(since?: number): number;
  /** Defender JIT policy lists the sandbox answered since `since` (epoch ms). */
  jitLists(since?: number): number;
}

export async function startFleetHarness(
  options: SandboxOptions = {},
  reader: { agentReadsCap?: number } = {},
): Promise<FleetHarness> {
  const sandbox = await startSandbox(options);
  const clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
  });
  return {
    sandbox,
    clients,
    reader: azureFleetReader(clients, fleetJoiner, reader),
    scope: { subscriptions: [sandbox.subscriptionId], resourceGroups: [], tags: [] },
    jitLists: (since = 0) =>
      sandbox.requests.filter(
        (r) =>
          r.startedAt >= since &&
          r.path.toLowerCase().endsWith('/microsoft.security/jitnetworkaccesspolicies'),
      ).length,
    graphCalls: (since = 0) =>
      sandbox.requests.filter(
        (r) => r.startedAt >= since && r.path.toLowerCase().endsWith('/microsoft.resourcegraph/resources'),
      ).length,
  };
}
