import type { NsgVerdict } from '../watch/reachability';
import type { AzureClients } from './clients';
import { callAzure } from './errors';
import { NETWORK_WATCHER_HINTS } from './gatherers/network-watcher';
import { requireResourceId, sameLocation } from './resource-id';
import { sourceAddress } from './gatherers/common';

// The watch's questions to Network Watcher: IP flow verify of one packet per representative machine, the
// regional watcher found once per subscription and region. A question Azure cannot answer (throttled, no
// watcher, the machine stopped meanwhile) is reported and left to the provisional evaluation: it never
// stops the tick.

/** Any ephemeral port stands in for the client's: NSG rules for RDP rarely filter on the source port. */
const CLIENT_PORT = '60000';

export interface FlowAsk {
  /** What the answer applies to (src/watch/verify.ts). */
  key: string;
  vmId: string;
  subscriptionId: string;
  location: string;
  nicId: string;
  privateIp: string;
  port: number;
  source: string;
}

export interface FlowAnswers {
  answers: Map<string, NsgVerdict>;
  /** ARM requests made: watcher lists, each verify and its polls. */
  calls: number;
  /** One line per question left unanswered, with Azure's reason. */
  failures: string[];
}

interface WatcherRef {
  resourceGroup: string;
  name: string;
}

export async function verifyFlows(clients: AzureClients, asks: readonly FlowAsk[]): Promise<FlowAnswers> {
  let calls = 0;
  const count = () => void (calls += 1);
  const watchers = new Map<string, Promise<WatcherRef | null>>();
  const watcherFor = (ask: FlowAsk) => {
    const key = `${ask.subscriptionId.toLowerCase()}|${ask.location.toLowerCase()}`;
    let found = watchers.get(key);
    if (!found) {
      const network = clients.forSubscription(ask.subscriptionId).network;
      found = callAzure('Network Watcher', async () => {
        for await (const page of network.networkWatchers.listAll().byPage()) {
          calls += 1;
          const watcher = page.find((w) => w.location && sameLocation(w.location, ask.location));
          if (watcher) {
            const id = requireResourceId(watcher.id, 'a Network Watcher');
            return { resourceGroup: id.resourceGroup, name: watcher.name ?? id.name };
          }
        }
        return null;
      });
      watchers.set(key, found);
    }
    return found;
  };

  const answers = new Map<string, NsgVerdict>();
  const failures: string[] = [];
  await Promise.all(
    asks.map(async (ask) => {
      try {
        const watcher = await watcherFor(ask);
        if (!watcher) {
          failures.push(`no Network Watcher in ${ask.location} for subscription ${ask.subscriptionId}`);
          return;
        }
        const network = clients.forSubscription(ask.subscriptionId).network;
        const result = await callAzure(
          'Network Watcher',
          () =>
            network.networkWatchers.beginVerifyIPFlowAndWait(
              watcher.resourceGroup,
              watcher.name,
              {
                targetResourceId: ask.vmId,
                targetNicResourceId: ask.nicId,
                direction: 'Inbound',
                protocol: 'TCP',
                localIPAddress: ask.privateIp,
                localPort: String(ask.port),
                remoteIPAddress: sourceAddress(ask.source),
                remotePort: CLIENT_PORT,
              },
              { onResponse: count },
            ),
          NETWORK_WATCHER_HINTS,
        );
        if (result.access !== 'Allow' && result.access !== 'Deny') {
          failures.push(`IP flow verify gave no verdict for ${ask.vmId}`);
          return;
        }
        answers.set(ask.key, { access: result.access, rule: result.ruleName || null });
      } catch (error) {
        // callAzure has already put Azure's answer in words; anything else is said as it is.
        failures.push(`${ask.vmId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return { answers, calls, failures };
}
