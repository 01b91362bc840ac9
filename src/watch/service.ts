import type { FleetRead, TouchedResources } from '../azure/fleet-rows';
import type { FixId } from '../diagnosis/ids';
import type { FleetMachine } from '../digest/machine';
import { scopeFromJson, subscriptionsOf, type DigestScope } from '../digest/scope';
import { DigestInputError } from '../digest/errors';
import type { JsonObject, Store, Watch, WatchAlert } from '../store';
import { describeChange, touchedResources, touchesPath, type ResourceChange } from './changes';
import {
  allowedSources,
  blockedBy,
  cutOffs,
  fixFor,
  latestChangeByMachine,
  machineOfPair,
  mergePairs,
  reachablePairs,
  recovered,
  sourceOfPair,
  type Blocked,
  type NsgVerdict,
} from './reachability';
import { flowQuestions, verdictsBy, type FlowQuestion } from './verify';

// One look at one watch. The first look inventories the scope: who reaches what is its baseline. Each
// later look reads what changed since the cursor; when something on a path changed, only the machines
// behind the changed resources are read again (a filtered inventory, a page or two), judged on the platform
// and network layers, and the judgement is put to Network Watcher's IP flow verify for one representative
// per NSG pair where it would flip a pair. A change that cut someone off gets one alert (claimed in the
// store, so replicas and Event Grid deliveries post it once); an alert whose machines reach again is marked
// recovered, with what brought them back.

/** The writes in the subscriptions; `ownGroups`: the watch's own groups, read alone where the whole log is not. */
export type ChangeReader = (
  subscriptions: readonly string[],
  ownGroups: readonly string[],
  since: Date,
  until: Date,
) => Promise<{ changes: ResourceChange[]; calls: number }>;

/** The inventory as the watch reads it: the whole scope once, then the machines changes touch. */
export interface WatchReader {
  inventory(scope: DigestScope): Promise<FleetRead<FleetMachine>>;
  touched(scope: DigestScope, resources: TouchedResources): Promise<FleetRead<FleetMachine>>;
}

/** Network Watcher's answers to the questions, by question key; a question it could not answer is absent. */
export type FlowVerifier = (
  questions: readonly FlowQuestion[],
) => Promise<{ answers: Map<string, NsgVerdict>; calls: number; failures: string[] }>;

export interface AlertMachine {
  id: string;
  name: string;
  resourceGroup: string;
  /** The sources that no longer reach it. */
  sources: string[];
  /** What stops the first of them, on the platform and network layers. */
  blocked: Blocked | null;
  /** The fix the diagnosis offers for it, proposed through the two-person approval; null: advice only. */
  fix: FixId | null;
  /** Whether Network Watcher's IP flow verify confirmed the NSG verdict (for it or its NSG pair's representative). */
  verified: boolean;
}

/** What brought an alert's machines back. */
export type RecoveryCause =
  | {
      kind: 'fix';
      fixId: FixId;
      proposalId: string;
      proposer: string;
      approvers: string[];
    }
  | { kind: 'change'; what: string; caller: string | null; time: string }
  | { kind: 'unknown' };

/** What an alert says: kept with it in the store so it can be redrawn as recovered. */
export interface AlertDetail {
  change: ResourceChange;
  /** `rule Deny-RDP-Hardening in NSG web-nsg written` */
  what: string;
  machines: AlertMachine[];
  recovery: { at: string; cause: RecoveryCause } | null;
}

export interface WatchPoster {
  /** Posts the alert to the watch's channel; returns the message ts. */
  postAlert(watch: Watch, detail: AlertDetail): Promise<string>;
  /** Redraws a posted alert (now recovered). */
  updateAlert(alert: WatchAlert, detail: AlertDetail): Promise<void>;
}

export interface WatchServiceOptions {
  reader: WatchReader;
  readChanges: ChangeReader;
  verifyFlows: FlowVerifier;
  store: Pick<
    Store,
    | 'listWatches'
    | 'advanceWatch'
    | 'claimWatchAlert'
    | 'setWatchAlertMessage'
    | 'listOpenWatchAlerts'
    | 'recoverWatchAlert'
    | 'listProposalsSince'
    | 'listApprovers'
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
  /** ARM requests made: inventory, activity log, Network Watcher. */
  calls: number;
  /** Changes on a path first read at this look: each may cost two calls of IP flow verify. */
  changes: number;
  /** IP flow verify questions asked, and those Azure could not answer (left provisional). */
  flowChecks: number;
  flowFailures: string[];
}

const asDetail = (json: JsonObject) => json as unknown as AlertDetail;
/** Proposals since an alert read to find the fix that ended it: far more than one channel makes meanwhile. */
const PROPOSALS_READ = 500;
const EMPTY_RESULT: Omit<CheckResult, 'flowFailures'> = {
  alerts: 0,
  recoveries: 0,
  started: 0,
  calls: 0,
  changes: 0,
  flowChecks: 0,
};

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
      ...EMPTY_RESULT,
      flowFailures: [] as string[],
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
      for (const key of Object.keys(EMPTY_RESULT) as (keyof typeof EMPTY_RESULT)[]) total[key] += result[key];
      total.flowFailures.push(...result.flowFailures);
    }
    return total;
  }

  /** Looks at one watch; `delivered` are changes an Event Grid delivery brought ahead of the activity log. */
  async check(watch: Watch, delivered: readonly ResourceChange[] = []): Promise<CheckResult> {
    const { reader, readChanges, store } = this.options;
    const now = this.clock();
    const scope = this.resolve(scopeFromJson(watch.scope));
    const since = new Date(Date.parse(watch.cursor) - (this.options.overlapMs ?? 10 * 60_000));
    const result: CheckResult = { ...EMPTY_RESULT, flowFailures: [] };

    if (watch.reachable === null) {
      const inventory = await reader.inventory(scope);
      result.calls += inventory.calls;
      result.started = 1;
      await store.advanceWatch(
        watch.id,
        now.toISOString(),
        reachablePairs(inventory.machines, watch.sources),
      );
      return result;
    }

    const read = await readChanges(scope.subscriptions, scope.resourceGroups, since, now);
    result.calls += read.calls;
    const changes = unique([...read.changes, ...delivered].filter(touchesPath));
    if (changes.length === 0) {
      await store.advanceWatch(watch.id, now.toISOString(), watch.reachable);
      return result;
    }
    // The overlap reads the last minutes again: only changes after the cursor are news to this look.
    result.changes = changes.filter((change) => change.time >= watch.cursor).length;

    const looked = await reader.touched(scope, touchedResources(changes));
    result.calls += looked.calls;
    const before = new Set(watch.reachable);
    const questions = flowQuestions(looked.machines, watch.sources, before, Math.max(1, result.changes));
    const flow =
      questions.length > 0
        ? await this.options.verifyFlows(questions)
        : { answers: new Map<string, NsgVerdict>(), calls: 0, failures: [] };
    result.calls += flow.calls;
    result.flowChecks = questions.length;
    result.flowFailures = flow.failures;
    const verdicts = verdictsBy(flow.answers);
    const pairs = mergePairs(
      watch.reachable,
      looked.machines,
      reachablePairs(looked.machines, watch.sources, verdicts),
    );

    for (const cut of cutOffs(watch.reachable, pairs, changes, looked.machines)) {
      const detail: AlertDetail = {
        change: cut.change,
        what: describeChange(cut.change),
        machines: machinesOf(cut.pairs, looked.machines, verdicts),
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

    const latest = latestChangeByMachine(changes, looked.machines);
    for (const alert of await store.listOpenWatchAlerts(watch.id)) {
      if (!recovered(alert.cutOff, pairs)) continue;
      const detail = asDetail(alert.detail);
      const recoveredDetail: AlertDetail = {
        ...detail,
        recovery: { at: now.toISOString(), cause: await this.recoveryCause(alert, detail, latest) },
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

  /**
   * A fix approved here since the alert, on one of its machines, when there is one (its own write is in
   * the activity log too, but the channel wants to know who approved it); else the latest later change.
   */
  private async recoveryCause(
    alert: WatchAlert,
    detail: AlertDetail,
    latest: Map<string, ResourceChange>,
  ): Promise<RecoveryCause> {
    const { store } = this.options;
    // ARM compares ids case-insensitively: the inventory and the diagnosis's VM read may case them apart.
    const machines = new Set(detail.machines.map((machine) => machine.id.toLowerCase()));
    const fixes = (await store.listProposalsSince(new Date(alert.createdAt), PROPOSALS_READ))
      .filter((proposal) => proposal.state === 'succeeded' && machines.has(proposal.vmId.toLowerCase()))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    if (fixes.length > 0) {
      const [fix] = fixes;
      return {
        kind: 'fix',
        fixId: fix.fixId,
        proposalId: fix.id,
        proposer: fix.proposer,
        approvers: await store.listApprovers(fix.id),
      };
    }
    const change = alert.cutOff
      .map((pair) => latest.get(machineOfPair(pair)))
      .find((candidate) => candidate !== undefined && candidate.changeId !== alert.changeId);
    return change
      ? { kind: 'change', what: describeChange(change), caller: change.caller, time: change.time }
      : { kind: 'unknown' };
  }
}

function unique(changes: ResourceChange[]): ResourceChange[] {
  const seen = new Map<string, ResourceChange>();
  for (const change of changes) if (!seen.has(change.changeId)) seen.set(change.changeId, change);
  return [...seen.values()];
}

function machinesOf(
  pairs: readonly string[],
  machines: readonly FleetMachine[],
  verdicts: (machine: FleetMachine, source: string) => NsgVerdict | null,
): AlertMachine[] {
  const byId = new Map(machines.map((machine) => [machine.id.toLowerCase(), machine]));
  const found = new Map<string, AlertMachine>();
  for (const pair of pairs) {
    const id = machineOfPair(pair);
    const machine = byId.get(id);
    if (!machine) continue;
    const source = sourceOfPair(pair);
    const existing = found.get(id);
    if (existing) {
      existing.sources.push(source);
      continue;
    }
    const verdict = verdicts(machine, source);
    const blocked = blockedBy(machine, source, verdict);
    found.set(id, {
      id: machine.id,
      name: machine.name,
      resourceGroup: machine.resourceGroup,
      sources: [source],
      blocked,
      fix: blocked ? fixFor(blocked) : null,
      verified: verdict !== null,
    });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
