import type { AzureClients } from '../azure/clients';
import { azureFleetReader } from '../azure/fleet';
import { readChanges } from '../azure/watch-changes';
import { verifyFlows } from '../azure/watch-flow';
import { dialedPort } from '../diagnosis/net';
import { fleetJoiner } from '../digest/inventory';
import type { WatchServiceOptions } from './service';

// The watch's Azure: the fleet inventory without agents (the watch judges the platform and network layers,
// never the guest), the activity log, and Network Watcher. One place, so the app, the benchmark and the
// tests read Azure the same way.

export function azureWatchSources(
  clients: AzureClients,
): Pick<WatchServiceOptions, 'reader' | 'readChanges' | 'verifyFlows'> {
  return {
    reader: azureFleetReader(clients, fleetJoiner, { agentReadsCap: 0 }),
    readChanges: (subscriptions, groups, since, until) =>
      readChanges(clients, subscriptions, groups, since, until),
    verifyFlows: (questions) =>
      verifyFlows(
        clients,
        // Only machines with a NIC address are asked (verify.ts); the filter restates it for the types.
        questions.flatMap(({ key, machine, source }) =>
          machine.nic?.privateIp
            ? [
                {
                  key,
                  vmId: machine.id,
                  subscriptionId: machine.subscriptionId,
                  location: machine.location,
                  nicId: machine.nic.id,
                  privateIp: machine.nic.privateIp,
                  port: dialedPort(machine.osType),
                  source,
                },
              ]
            : [],
        ),
      ),
  };
}
