import type { AzureClients } from '../azure/clients';
import type { DnsResolver } from '../azure/gatherers/dns';
import type { Attachment, GatherContext, Gatherer } from '../azure/gatherer';
import { gatherers as allGatherers } from '../azure/gatherers';
import { gatherVm } from '../azure/gatherers/vm';
import { resolveVm } from '../azure/resolve-vm';
import type { CauseRule } from '../diagnosis/cause';
import { causes } from '../diagnosis/causes';
import { decideVerdict, evaluateRule, layerFacts, type RuleOutcome } from '../diagnosis/engine';
import {
  FACT_KEYS,
  LAYERS,
  type DiagnosisRequest,
  type Facts,
  type FactKey,
  type Gathered,
  type Layer,
  type VmFacts,
  type VmIdentity,
} from '../diagnosis/facts';
import { layerStates } from '../diagnosis/layers';
import { findingLinks, portalFor } from '../diagnosis/portal-links';
import { provisionalVerdict, reconcile } from '../diagnosis/provisional';
import type { ProvisionalVerdict, Report, ReportVm, Verdict } from '../diagnosis/report';
import { metrics } from '../metrics';
import { gatherWithTimeout } from './gather-with-timeout';

export type ProgressEvent =
  | { type: 'started'; vm: ReportVm; startedAt: string }
  /**
   * A layer's checks are in. `facts` are what the layer's rules read: enough to plan the fixes its findings
   * offer. On the network layer, `confirmation` is the provisional verdict shown before, confirmed or corrected.
   */
  | {
      type: 'layer';
      layer: Layer;
      provisional?: false;
      outcomes: RuleOutcome[];
      facts: Facts;
      confirmation?: ProvisionalVerdict;
    }
  /**
   * The network layer's verdict before its checks are in, from the NSG rules as written: shown labelled
   * provisional until the layer's own event confirms or corrects it.
   */
  | { type: 'layer'; layer: Layer; provisional: true; verdict: ProvisionalVerdict; facts: Facts }
  /** The verdict can no longer change: every layer before the failing one is clean and complete. */
  | { type: 'settled'; verdict: Verdict; elapsedMs: number }
  /** The facts ride along for renderers that draw raw evidence (metrics sparklines, the boot screenshot). */
  | { type: 'done'; report: Report; facts: Facts };

export interface DiagnoseOptions {
  clients: AzureClients;
  /** `vm`, `rg/vm` or a resource id. */
  target: string;
  request: DiagnosisRequest;
  onProgress?: (event: ProgressEvent) => void;
  /** The sandbox's DNS; real runs use the system resolver. */
  resolveHost?: DnsResolver;
  /** Receives binary evidence (the boot screenshot) as it is downloaded. */
  onAttachment?: (attachment: Attachment) => void;
  /** Per-gatherer timeout overrides (tests shorten the hung Run Command). */
  timeouts?: Partial<Record<FactKey, number>>;
  rules?: readonly CauseRule[];
  gatherers?: readonly Gatherer<FactKey>[];
  clock?: () => Date;
}

function reportVm(vm: VmFacts): ReportVm {
  const { id, name, resourceGroup, subscriptionId, location, osType, powerState } = vm;
  return { id, name, resourceGroup, subscriptionId, location, osType, powerState };
}

/** Which machine a person means: throws a TargetError (bad name, unknown, ambiguous) they can act on. */
export function locateVm(clients: AzureClients, target: string): Promise<VmIdentity> {
  return resolveVm(clients, target, clients.settings.subscriptionIds);
}

/** Read the machine, then run the pipeline over it; checks that need no NIC start as soon as the VM is read. */
export async function diagnoseVm(
  options: Omit<DiagnoseOptions, 'target'> & { identity: VmIdentity },
): Promise<Report> {
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  const sub = options.clients.forSubscription(options.identity.subscriptionId);
  const context = (vm: VmFacts): Omit<GatherContext, 'signal'> => ({
    clients: options.clients,
    sub,
    vm,
    request: options.request,
    now: started,
    resolveHost: options.resolveHost,
    attach: options.onAttachment,
  });
  const early = new Map<FactKey, Promise<Gathered<unknown>>>();
  const vm = await gatherVm(sub, options.identity, undefined, (machine) => {
    for (const gatherer of options.gatherers ?? allGatherers) {
      if (!gatherer.startsEarly) continue;
      early.set(
        gatherer.key,
        gatherWithTimeout(gatherer, context(machine), options.timeouts?.[gatherer.key], clock),
      );
    }
  });
  return runPipeline(vm, started, { ...options, context: context(vm), early });
}

/** Resolve the target, then diagnose it: what the CLI runs. */
export async function diagnose(options: DiagnoseOptions): Promise<Report> {
  const identity = await locateVm(options.clients, options.target);
  return diagnoseVm({ ...options, identity });
}

export interface PipelineOptions extends Pick<
  DiagnoseOptions,
  'request' | 'onProgress' | 'timeouts' | 'rules' | 'gatherers' | 'clock'
> {
  context: Omit<GatherContext, 'signal'>;
  /** Gatherers already under way (started before the NICs were read), by fact key. */
  early?: ReadonlyMap<FactKey, Promise<Gathered<unknown>>>;
}

/**
 * Gather every fact concurrently, evaluate each layer's rules as soon as its facts are in, and say when
 * the verdict is settled: the one place that knows both gatherers and rules.
 */
export async function runPipeline(vm: VmFacts, started: Date, options: PipelineOptions): Promise<Report> {
  const clock = options.clock ?? (() => new Date());
  const rules = options.rules ?? causes;
  const gatherers = options.gatherers ?? allGatherers;
  const emit = options.onProgress ?? (() => undefined);
  const portal = portalFor(options.context.clients.settings.endpoint);
  // Each finding carries the portal pages where a person checks or fixes it by hand.
  const linked = (outcome: RuleOutcome, snapshot: Facts): RuleOutcome =>
    outcome.finding
      ? {
          ...outcome,
          finding: { ...outcome.finding, links: findingLinks(portal, outcome.finding, snapshot) },
        }
      : outcome;
  emit({ type: 'started', vm: reportVm(vm), startedAt: started.toISOString() });

  const gathered: Partial<Record<FactKey, Gathered<unknown>>> = {
    vm: { status: 'ok', value: vm, durationMs: clock().getTime() - started.getTime() },
  };
  // A fact no gatherer provides reads as skipped, so a rule never meets undefined.
  const facts = (): Facts => {
    const all = Object.fromEntries(
      FACT_KEYS.map((key) => [
        key,
        gathered[key] ?? { status: 'skipped', reason: 'not gathered', durationMs: 0 },
      ]),
    );
    return { request: options.request, now: clock().toISOString(), ...all } as Facts;
  };

  const layerKeys = new Map<Layer, FactKey[]>(
    LAYERS.map((layer) => [layer, [...new Set(rules.filter((r) => r.layer === layer).flatMap(layerFacts))]]),
  );
  const outcomesByLayer = new Map<Layer, RuleOutcome[]>();
  let settled: Verdict | null = null;
  let provisional: ProvisionalVerdict | null = null;
  const elapsedMs = () => clock().getTime() - started.getTime();

  // The NSG rules as written arrive long before effective rules and IP flow verify: until the network
  // layer is in, they give its provisional verdict, unless an earlier layer already decided.
  const showProvisional = () => {
    if (provisional || outcomesByLayer.has('network') || !('nsgRules' in gathered)) return;
    if (settled && LAYERS.indexOf(settled.layer as Layer) < LAYERS.indexOf('network')) return;
    const snapshot = facts();
    provisional = provisionalVerdict(snapshot, elapsedMs());
    if (provisional)
      emit({ type: 'layer', layer: 'network', provisional: true, verdict: provisional, facts: snapshot });
  };

  const progress = () => {
    showProvisional();
    for (const layer of LAYERS) {
      if (outcomesByLayer.has(layer)) continue;
      if ((layerKeys.get(layer) ?? []).some((key) => !(key in gathered))) continue;
      const snapshot = facts();
      const outcomes = rules
        .filter((r) => r.layer === layer)
        .map((rule) => linked(evaluateRule(snapshot, rule), snapshot));
      outcomesByLayer.set(layer, outcomes);
      const confirmation = layer === 'network' && provisional ? reconcile(provisional, snapshot) : undefined;
      emit({ type: 'layer', layer, outcomes, facts: snapshot, ...(confirmation ? { confirmation } : {}) });
    }
    if (settled) return;
    // A layer fails with certainty as soon as one of its rules, with every fact it reads, finds a
    // critical cause, provided every layer before it is complete and clean: later evidence can then add
    // causes to this layer, but never move the verdict deeper.
    const decided: RuleOutcome[] = [];
    for (const layer of LAYERS) {
      const complete = outcomesByLayer.get(layer);
      const outcomes =
        complete ??
        rules
          .filter((rule) => rule.layer === layer && layerFacts(rule).every((key) => key in gathered))
          .map((rule) => evaluateRule(facts(), rule));
      decided.push(...outcomes);
      if (outcomes.some((o) => o.finding?.severity === 'critical')) {
        settled = decideVerdict(decided, { request: options.request });
        emit({ type: 'settled', verdict: settled, elapsedMs: elapsedMs() });
        return;
      }
      if (!complete) return;
    }
  };

  // Layers whose facts are all in already (the platform reads only the VM) report before any wait.
  progress();
  await Promise.all(
    gatherers
      .filter((g) => g.key !== 'vm')
      .map(async (gatherer) => {
        gathered[gatherer.key] =
          (await options.early?.get(gatherer.key)) ??
          (await gatherWithTimeout(gatherer, options.context, options.timeouts?.[gatherer.key], clock));
        progress();
      }),
  );
  progress();

  const final = facts();
  const outcomes = rules.map((rule) => linked(evaluateRule(final, rule), final));
  const verdict = decideVerdict(outcomes, final);
  if (!settled) emit({ type: 'settled', verdict, elapsedMs: elapsedMs() });
  const report: Report = {
    schemaVersion: 1,
    vm: reportVm(vm),
    symptom: options.request.symptom,
    source: options.request.source,
    startedAt: started.toISOString(),
    finishedAt: clock().toISOString(),
    verdict,
    layers: layerStates(
      outcomes.map((o) => o.check),
      verdict,
    ),
    checks: outcomes.map((o) => o.check),
    findings: outcomes.flatMap((o) => (o.finding ? [o.finding] : [])),
    ...(provisional ? { provisional: reconcile(provisional, final) } : {}),
  };
  metrics.diagnoses.inc({ layer: verdict.layer });
  metrics.diagnosisDuration.observe((Date.parse(report.finishedAt) - started.getTime()) / 1000);
  emit({ type: 'done', report, facts: final });
  return report;
}
