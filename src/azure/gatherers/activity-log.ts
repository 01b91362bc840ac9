import type { EventData } from '@azure/arm-monitor';
import type { ActivityEvent, ActivityLogFacts, VmFacts } from '../../diagnosis/facts';
import type { SubscriptionClients } from '../clients';
import { callAzure } from '../errors';
import type { Gatherer } from '../gatherer';
import { isWithin, parseResourceId } from '../resource-id';
import { subnetOf } from './subnet';
import { SECOND } from './common';

// Who changed the path in the last 24 hours: writes and deletes to the VM, its NICs, the NSGs on the NICs
// and their subnets (rules included), and the public IPs. It names the person behind a blocking rule.

const WINDOW_MS = 24 * 60 * 60 * 1000;
// Only what the facts keep: the claims ARM would otherwise send carry personal data we do not need.
const SELECT = 'eventTimestamp,operationName,resourceId,caller,status,correlationId';

/** The one filter shape the activity log accepts for a resource group and a time range. */
export function activityLogFilter(resourceGroup: string, now: Date): string {
  const since = new Date(now.getTime() - WINDOW_MS).toISOString();
  return `eventTimestamp ge '${since}' and eventTimestamp le '${now.toISOString()}' and resourceGroupName eq '${resourceGroup}'`;
}

/** The resources whose changes matter to an RDP session; `subnetNsgIds` come from the NICs' subnets. */
export function watchedResources(vm: VmFacts, subnetNsgIds: string[]): string[] {
  const ids = [
    vm.id,
    ...vm.nics.flatMap((nic) => [nic.id, nic.nsgId, nic.publicIpId]),
    ...subnetNsgIds,
  ].filter((id): id is string => Boolean(id));
  const seen = new Set<string>();
  return ids.filter((id) => !seen.has(id.toLowerCase()) && seen.add(id.toLowerCase()));
}

function isWriteOrDelete(operation: string): boolean {
  const action = operation.toLowerCase().split('/').pop();
  return action === 'write' || action === 'delete';
}

/** The watched resources' writes and deletes (child resources such as security rules included), newest first. */
export function activityLogFactsOf(events: EventData[], watched: string[]): ActivityLogFacts {
  const kept: ActivityEvent[] = [];
  for (const event of events) {
    const operation = event.operationName?.value ?? '';
    const resourceId = event.resourceId ?? '';
    if (!event.eventTimestamp || !isWriteOrDelete(operation)) continue;
    if (!watched.some((id) => isWithin(resourceId, id))) continue;
    kept.push({
      time: new Date(event.eventTimestamp).toISOString(),
      operationName: operation,
      resourceId,
      caller: event.caller ?? null,
      status: event.status?.value ?? null,
      correlationId: event.correlationId ?? null,
    });
  }
  return { events: kept.sort((a, b) => Date.parse(b.time) - Date.parse(a.time)) };
}

async function subnetNsgIds(sub: SubscriptionClients, vm: VmFacts, signal: AbortSignal): Promise<string[]> {
  const subnetIds = [
    ...new Set(vm.nics.map((nic) => nic.subnetId).filter((id): id is string => Boolean(id))),
  ];
  const nsgIds = await Promise.all(
    subnetIds.map(
      async (subnetId) => (await subnetOf(sub, vm, subnetId, signal)).networkSecurityGroup?.id ?? null,
    ),
  );
  return nsgIds.filter((id): id is string => id !== null);
}

export const activityLogGatherer: Gatherer<'activityLog'> = {
  key: 'activityLog',
  // A subnet lookup, then paged queries of a day of events.
  timeoutMs: 30 * SECOND,
  async gather({ sub, vm, now, signal }) {
    const watched = watchedResources(vm, await subnetNsgIds(sub, vm, signal));
    // The activity log is filtered by resource group, and a VNet (with its NSG) often sits in another one.
    const groups = new Map<string, string>();
    for (const id of watched) {
      const group = parseResourceId(id)?.resourceGroup;
      if (group) groups.set(group.toLowerCase(), group);
    }
    const events = await Promise.all(
      [...groups.values()].map((group) =>
        callAzure('Activity log', async () => {
          const found: EventData[] = [];
          for await (const event of sub.monitor.activityLogs.list(activityLogFilter(group, now), {
            select: SELECT,
            abortSignal: signal,
          })) {
            found.push(event);
          }
          return found;
        }),
      ),
    );
    return activityLogFactsOf(events.flat(), watched);
  },
};
