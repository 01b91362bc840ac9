import type { FleetMachine } from '../digest/machine';
import type { FleetReader } from '../digest/inventory';
import { scopeFromJson, subscriptionsOf, type DigestScope } from '../digest/scope';
import { DigestInputError } from '../digest/errors';
import type { JsonObject, Store, Watch, WatchAlert } from '../store';
import { describeChange, touchesPath, type ResourceChange } from './changes';
import {
  allowedSources,
  cutOffs,
  latestChangeByMachine,
  machineOfPair,
  reachablePairs,
  recovered,
} from './reachability';

// One look at one watch: inventory its scope, read what changed since its cursor, and compare who reaches
// what with the last look. A change that cut someone off gets one alert (claimed in the store, so replicas
// and Event Grid deliveries post it once); an alert whose machines reach again is marked recovered.

export type ChangeReader = (
  subscriptions: readonly string[],
  resourceGroups: readonly string[],
  since: Date,
  until: Date,
) => Promise<{ changes: ResourceChange[]; calls: number }>;

export interface AlertMachine {
  id: string;
  name: string;
  resourceGroup: string;
  /** The sources that no longer reach it. */
  sources: string[];
}

/** What an alert says: kept with it in the store so it can be redrawn as recovered. */
export interface AlertDetail {
  change: ResourceChange;
  /** `rule Deny-RDP-Hardening in NSG web-nsg written` */
  what: string;
  machines: AlertMachine[];
  recovery: { at: string; cause: string } | null;
}

export interface WatchPoster {
  /** Posts the alert to the watch's channel; returns the message ts. */
  postAlert(watch: Watch, detail: AlertDetail): Promise<string>;
  /** Redraws a posted alert (now recovered). */
  updateAlert(alert: WatchAlert, detail: AlertDetail): Promise<void>;
}

export interface WatchServiceOptions {
  reader: FleetReader;
  readChanges: ChangeReader;
  store: Pick<
    Store,
    | 'listWatches'
    | 'advanceWatch'
    | 'claimWatchAlert'
    | 'setWatchAlertMessage'
    | 'listOpenWatchAlerts'
    | 'recoverWatchAlert'
  >;
  poster: WatchPoster;
  /** AZURE_SUBSCRIPTION_IDS: what a scope without subscription terms covers. */
  configuredSubscriptions: readonly string[];
  clock?: () => Date;
  /**
   * How far before the cursor each read starts: the activity log can show an event minutes after it
   * happened; the per-change claim keeps the overlap from alerting twice (default 10 minutes).
   */
  overlapMs?: number;
}

export interface CheckResult {
  alerts: number;
  recoveries: number;
  /** Watches that took their first look: what reaches now is their baseline. */
  started: number;
  /** ARM requests made: inventory and activity log. */
  calls: number;
}

const asDetail = (json: JsonObject) => json as unknown as AlertDetail;

export class WatchService {
  private readonly clock: () => Date;

  constructor(private readonly options: WatchServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** The subscriptions a scope covers, or a clear error when it covers none. */
  resolve(scope: DigestScope): DigestScope {
    const subscriptions = subscriptionsOf(scope, this.options.configuredSubscriptions);
    if (subscriptions.length === 0) {
      throw new DigestInputError(
        'digest-scope',
        'This watch names no subscription and none is configured: add `subscription:<guid>` to it, or set AZURE_SUBSCRIPTION_IDS.',
      );
    }
    return { ...scope, subscriptions };
  }

  /** Where people connect from by default: the sources the scope's allow rules name for the dialed port. */
  async defaultSources(scope: DigestScope): Promise<string[]> {
    const inventory = await this.options.reader.inventory(this.resolve(scope));
    return allowedSources(inventory.machines);
  }

  /** Looks at every watch once; one watch failing (its subscription unreadable) does not stop the others. */
  async tick(): Promise<CheckResult & { failures: { watchId: string; error: unknown }[] }> {
    const total = {
      alerts: 0,
      recoveries: 0,
      started: 0,
      calls: 0,
      failures: [] as { watchId: string; error: unknown }[],
    };
    for (const watch of await this.options.store.listWatches()) {
      let result: CheckResult;
      try {
        result = await this.check(watch);
      } catch (error) {
        total.failures.push({ watchId: watch.id, error });
        continue;
      }
      total.alerts += result.alerts;
      total.recoveries += result.recoveries;
      total.started += result.started;
      total.calls += result.calls;
    }
    return total;
  }

  /** Looks at one watch; `delivered` are changes an Event Grid delivery brought ahead of the activity log. */
  async check(watch: Watch, delivered: readonly ResourceChange[] = []): Promise<CheckResult> {
    const { reader, readChanges, store } = this.options;
    const now = this.clock();
    const scope = this.resolve(scopeFromJson(watch.scope));
    const since = new Date(Date.parse(watch.cursor) - (this.options.overlapMs ?? 10 * 60_000));
    const [inventory, read] = await Promise.all([
      reader.inventory(scope),
      readChanges(scope.subscriptions, scope.resourceGroups, since, now),
    ]);
    const changes = unique([...read.changes, ...delivered].filter(touchesPath));
    const pairs = reachablePairs(inventory.machines, watch.sources);
    const result: CheckResult = {
      alerts: 0,
      recoveries: 0,
      started: watch.reachable === null ? 1 : 0,
      calls: inventory.calls + read.calls,
    };

    if (watch.reachable !== null) {
      for (const cut of cutOffs(watch.reachable, pairs, changes, inventory.machines)) {
        const detail: AlertDetail = {
          change: cut.change,
          what: describeChange(cut.change),
          machines: machinesOf(cut.pairs, inventory.machines),
          recovery: null,
        };
        const claimed = await store.claimWatchAlert({
          watchId: watch.id,
          changeId: cut.change.changeId,
          channel: watch.channel,
          cutOff: cut.pairs,
          detail: detail as unknown as JsonObject,
        });
        if (!claimed) continue;
        const ts = await this.options.poster.postAlert(watch, detail);
        await store.setWatchAlertMessage(watch.id, cut.change.changeId, ts);
        result.alerts += 1;
      }
    }

    const latest = latestChangeByMachine(changes, inventory.machines);
    for (const alert of await store.listOpenWatchAlerts(watch.id)) {
      if (!recovered(alert.cutOff, pairs)) continue;
      const detail = asDetail(alert.detail);
      const cause = alert.cutOff
        .map((pair) => latest.get(machineOfPair(pair)))
        .find((change) => change !== undefined && change.changeId !== alert.changeId);
      const recoveredDetail: AlertDetail = {
        ...detail,
        recovery: {
          at: now.toISOString(),
          cause: cause
            ? `${describeChange(cause)} by ${cause.caller ?? 'an unknown caller'} at ${cause.time}`
            : 'a change the activity log does not show yet',
        },
      };
      if (
        !(await store.recoverWatchAlert(watch.id, alert.changeId, recoveredDetail as unknown as JsonObject))
      )
        continue;
      await this.options.poster.updateAlert(alert, recoveredDetail);
      result.recoveries += 1;
    }

    await store.advanceWatch(watch.id, now.toISOString(), pairs);
    return result;
  }
}

function unique(changes: ResourceChange[]): ResourceChange[] {
  const seen = new Map<string, ResourceChange>();
  for (const change of changes) if (!seen.has(change.changeId)) seen.set(change.changeId, change);
  return [...seen.values()];
}

function machinesOf(pairs: readonly string[], machines: readonly FleetMachine[]): AlertMachine[] {
  const byId = new Map(machines.map((machine) => [machine.id.toLowerCase(), machine]));
  const found = new Map<string, AlertMachine>();
  for (const pair of pairs) {
    const id = machineOfPair(pair);
    const machine = byId.get(id);
    if (!machine) continue;
    const entry = found.get(id) ?? {
      id: machine.id,
      name: machine.name,
      resourceGroup: machine.resourceGroup,
      sources: [],
    };
    entry.sources.push(pair.slice(id.length + 1));
    found.set(id, entry);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
