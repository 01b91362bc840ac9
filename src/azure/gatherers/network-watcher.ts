import type { SubscriptionClients } from '../clients';
import type { FactKey, FactValue, VmFacts } from '../../diagnosis/facts';
import { callAzure } from '../errors';
import { GatherSkipped, type GatherContext, type Gatherer } from '../gatherer';
import { requireResourceId, sameLocation } from '../resource-id';
import { SECOND, skipUnlessRunning } from './common';

// The gatherers that put one question about the path to the user's source to the VM's regional Network
// Watcher (IP flow verify, next hop): the same skips, the same watcher, the same errors; only the
// question and the shape of its answer differ.

export interface WatcherRef {
  resourceGroup: string;
  name: string;
}

/** The subscription's Network Watcher in `location`, or null when the region has none. */
export async function watcherIn(
  sub: SubscriptionClients,
  location: string,
  signal?: AbortSignal,
): Promise<WatcherRef | null> {
  const watchers = sub.network.networkWatchers;
  const found = await callAzure('Network Watcher', async () => {
    for await (const watcher of watchers.listAll({ abortSignal: signal })) {
      if (watcher.location && sameLocation(watcher.location, location)) return watcher;
    }
    return null;
  });
  if (!found) return null;
  const id = requireResourceId(found.id, 'a Network Watcher');
  return { resourceGroup: id.resourceGroup, name: found.name ?? id.name };
}

async function findRegionalWatcher(ctx: GatherContext): Promise<WatcherRef> {
  const found = await watcherIn(ctx.sub, ctx.vm.location, ctx.signal);
  if (!found) {
    throw new GatherSkipped(
      `No Network Watcher in ${ctx.vm.location} for subscription ${ctx.sub.subscriptionId}; ` +
        `enable it with \`az network watcher configure --locations ${ctx.vm.location} --enabled true -g NetworkWatcherRG\``,
    );
  }
  return found;
}

// IP flow verify and next hop both need the VM's regional watcher: one lookup per diagnosis (keyed by
// the diagnosis's machine facts), not one per check.
const watcherLookups = new WeakMap<GatherContext['vm'], Promise<WatcherRef>>();

/**
 * The Network Watcher of the VM's region. Azure creates one per region on demand, usually in
 * NetworkWatcherRG; with none, its checks cannot run and the fact is skipped, saying how to enable it.
 */
export function regionalWatcher(ctx: GatherContext): Promise<WatcherRef> {
  let lookup = watcherLookups.get(ctx.vm);
  if (!lookup) {
    lookup = findRegionalWatcher(ctx);
    watcherLookups.set(ctx.vm, lookup);
  }
  return lookup;
}

/** Network Watcher's own throttling and busy answers, said in its words. */
export const NETWORK_WATCHER_HINTS = {
  429: 'too many requests for this subscription; retry later',
  409: 'another Network Watcher check is running against this VM; wait for it to finish and retry',
};

export interface NetworkWatcherQuestion<K extends FactKey, Parameters, Answer> {
  key: K;
  /** Why it does not run without `from <ip>`, in the words of the check. */
  needsSource: string;
  /** The check's name in Azure's words, for the skip on a VM that is not running. */
  check: string;
  parameters(vm: VmFacts, source: string): Parameters;
  ask(
    network: SubscriptionClients['network'],
    watcher: WatcherRef,
    parameters: Parameters,
    signal: AbortSignal,
  ): Promise<Answer>;
  factsOf(parameters: Parameters, answer: Answer): FactValue<K>;
}

/** A gatherer that asks the VM's regional Network Watcher `question` about the user's source. */
export function networkWatcherGatherer<K extends FactKey, Parameters, Answer>(
  question: NetworkWatcherQuestion<K, Parameters, Answer>,
): Gatherer<K> {
  return {
    key: question.key,
    timeoutMs: 60 * SECOND,
    skip: ({ vm, request }) =>
      request.source === null ? question.needsSource : skipUnlessRunning(vm, question.check),
    async gather(ctx) {
      const { sub, vm, request, signal } = ctx;
      const parameters = question.parameters(vm, request.source ?? '');
      const watcher = await regionalWatcher(ctx);
      const answer = await callAzure(
        'Network Watcher',
        () => question.ask(sub.network, watcher, parameters, signal),
        NETWORK_WATCHER_HINTS,
      );
      return question.factsOf(parameters, answer);
    },
  };
}
