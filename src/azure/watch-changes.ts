import type { EventData } from '@azure/arm-monitor';
import type { ResourceChange } from '../watch/changes';
import type { AzureClients } from './clients';
import { AzureCallError, callAzure } from './errors';

// What was written in the watched subscriptions since a cursor: the activity log's succeeded events, as
// plain facts. Which of them can touch a Remote Desktop path is src/watch's call, not this reader's.

// Only what the watch keeps: the claims ARM would otherwise send carry personal data it does not need.
const SELECT = 'eventTimestamp,operationName,resourceId,caller,status,correlationId,eventDataId';

export interface ChangeRead {
  changes: ResourceChange[];
  /** ARM requests made, pages included. */
  calls: number;
}

function filterOf(since: string, until: string, resourceGroup: string | null): string {
  const bounds = `eventTimestamp ge '${since}' and eventTimestamp le '${until}'`;
  return resourceGroup ? `${bounds} and resourceGroupName eq '${resourceGroup}'` : bounds;
}

function changeOf(event: EventData): ResourceChange | null {
  const status = event.status?.value ?? '';
  if (!event.eventTimestamp || !event.resourceId || !event.operationName?.value) return null;
  if (status.toLowerCase() !== 'succeeded') return null;
  return {
    changeId:
      event.correlationId ?? event.eventDataId ?? `${event.resourceId}@${event.eventTimestamp.toISOString()}`,
    time: new Date(event.eventTimestamp).toISOString(),
    operationName: event.operationName.value,
    resourceId: event.resourceId,
    caller: event.caller ?? null,
  };
}

/**
 * The succeeded writes in the subscriptions from `since` to `until`, oldest first. Whole subscriptions,
 * even for a resource-group watch: the NSGs, subnets and route tables its machines use often live in
 * another group (a hub's network group), and the watch keeps only changes that reach its machines. Where
 * the identity may read only some groups (a role assigned per resource group: ARM answers 403 for the
 * subscription's log), `ownGroups` are read one by one instead, and changes elsewhere go unseen.
 */
export async function readChanges(
  clients: AzureClients,
  subscriptions: readonly string[],
  ownGroups: readonly string[],
  since: Date,
  until: Date,
): Promise<ChangeRead> {
  let calls = 0;
  const read = (subscriptionId: string, group: string | null) =>
    callAzure('Activity log', async () => {
      const found: ResourceChange[] = [];
      const pages = clients
        .forSubscription(subscriptionId)
        .monitor.activityLogs.list(filterOf(since.toISOString(), until.toISOString(), group), {
          select: SELECT,
        })
        .byPage();
      for await (const page of pages) {
        calls += 1;
        for (const event of page) {
          const change = changeOf(event);
          if (change) found.push(change);
        }
      }
      return found;
    });
  const reads = subscriptions.map(async (subscriptionId) => {
    try {
      return await read(subscriptionId, null);
    } catch (err) {
      const forbidden = err instanceof AzureCallError && err.statusCode === 403;
      if (!forbidden || ownGroups.length === 0) throw err;
      calls += 1;
      return (await Promise.all(ownGroups.map((group) => read(subscriptionId, group)))).flat();
    }
  });
  const changes = (await Promise.all(reads)).flat().sort((a, b) => a.time.localeCompare(b.time));
  return { changes, calls };
}
