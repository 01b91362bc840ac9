import type { CauseId } from '../diagnosis/ids';
import { isIncomplete } from '../diagnosis/incomplete';
import type { DigestSubscription, JsonObject, Store } from '../store';
import { assessFleet } from './assess';
import { DigestInputError } from './errors';
import { selectForMetrics, type FleetReader } from './inventory';
import {
  compare,
  memoryOf,
  previousDigest,
  readMemory,
  rememberedRisks,
  type DiagnosisOfPeriod,
  type DigestReport,
  type ProposalOfPeriod,
  type RiskChange,
} from './report';
import { describeScope, scopeFromJson, subscriptionsOf } from './scope';

// One digest, start to end: inventory the scope, read metrics for the few machines that need them, apply
// the risk rules, compare with what the subscription remembers, and gather the period's diagnoses and
// fix proposals from the store. Posting it is the Slack side's job.

export interface DigestServiceOptions {
  reader: FleetReader;
  store: Pick<Store, 'listSnapshotsSince' | 'listProposalsSince'>;
  /** AZURE_SUBSCRIPTION_IDS: what a scope without subscription terms covers. */
  configuredSubscriptions: readonly string[];
  clock?: () => Date;
  /** At most this many machines get their metrics read per digest (default 5). */
  metricsCap?: number;
}

export interface DigestRun {
  report: DigestReport;
  /** The subscription's next `lastReport`. */
  memory: JsonObject;
}

const DAY_MS = 24 * 3_600_000;
/** The store rows a digest reads for its period; the newest are the ones worth naming. */
const PERIOD_ROWS = 500;
const TRENDING = 'memory-or-disk-trending-to-exhaustion';
const STARVED_CAUSES: readonly CauseId[] = [
  'memory-exhausted',
  'disk-full',
  'cpu-saturated',
  'disk-throughput-saturated',
];

export class DigestService {
  private readonly clock: () => Date;
  private readonly metricsCap: number;

  constructor(private readonly options: DigestServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.metricsCap = options.metricsCap ?? 5;
  }

  async build(subscription: DigestSubscription): Promise<DigestRun> {
    const now = this.clock();
    const memory = readMemory(subscription.lastReport);
    const periodStart = memory ? new Date(memory.at) : new Date(now.getTime() - DAY_MS);
    const scope = scopeFromJson(subscription.scope);
    const subscriptions = subscriptionsOf(scope, this.options.configuredSubscriptions);
    if (subscriptions.length === 0) {
      throw new DigestInputError(
        'digest-scope',
        'This digest names no subscription and none is configured: add `subscription:<guid>` to it, or set AZURE_SUBSCRIPTION_IDS.',
      );
    }

    const inventory = await this.options.reader.inventory({ ...scope, subscriptions });
    const inScope = new Map(inventory.machines.map((machine) => [machine.id.toLowerCase(), machine]));
    const [snapshots, proposals] = await Promise.all([
      this.options.store.listSnapshotsSince(periodStart, PERIOD_ROWS),
      this.options.store.listProposalsSince(periodStart, PERIOD_ROWS),
    ]);
    const diagnoses: DiagnosisOfPeriod[] = snapshots
      .filter((snapshot) => inScope.has(snapshot.vmId.toLowerCase()))
      .map(({ runId, vmId, report, createdAt }) => ({
        runId,
        vmId,
        vmName: report.vm.name,
        at: createdAt,
        layer: report.verdict.layer,
        causes: report.verdict.causes,
        summary: report.verdict.summary,
        checksNotRun: isIncomplete(report)
          ? report.checks.filter((check) => check.status === 'error').length
          : 0,
      }));

    const remembered = rememberedRisks(memory);
    const { selected, flagged } = selectForMetrics(
      inventory.machines,
      {
        previouslyTrending: new Set(
          remembered
            .filter((change) => change.risk === TRENDING)
            .map((change) => change.machineId.toLowerCase()),
        ),
        diagnosedStarved: new Set(
          diagnoses
            .filter((diagnosis) => diagnosis.causes.some((cause) => STARVED_CAUSES.includes(cause)))
            .map((diagnosis) => diagnosis.vmId.toLowerCase()),
        ),
      },
      this.metricsCap,
    );
    const read = selected.length > 0 ? await this.options.reader.metrics(selected, now) : null;
    for (const machine of selected) machine.metrics = read?.metrics.get(machine.id.toLowerCase());

    const findings = assessFleet(inventory.machines, {
      now: now.toISOString(),
      previous: previousDigest(memory),
    });
    // A remembered trend on a machine whose metrics were not read this time is neither resolved nor forgotten.
    const judged = (change: RiskChange) =>
      change.risk !== TRENDING ||
      !inScope.has(change.machineId.toLowerCase()) ||
      inScope.get(change.machineId.toLowerCase())?.metrics !== undefined;
    const carried = remembered.filter((change) => !judged(change));
    const report: DigestReport = {
      digestId: subscription.id,
      scope: describeScope(scope),
      generatedAt: now.toISOString(),
      periodStart: periodStart.toISOString(),
      previousAt: memory?.at ?? null,
      machines: inventory.machines.length,
      atRisk: new Set(findings.map((finding) => finding.machine.id.toLowerCase())).size,
      findings,
      changes: memory ? compare(memory, findings, judged) : null,
      diagnoses,
      proposals: proposals
        .filter((proposal) => inScope.has(proposal.vmId.toLowerCase()))
        .map((proposal): ProposalOfPeriod => ({
          id: proposal.id,
          vmId: proposal.vmId,
          vmName: proposal.vmName,
          fixId: proposal.fixId,
          cause: proposal.cause,
          state: proposal.state,
          proposer: proposal.proposer,
          at: proposal.createdAt,
        })),
      inventory: {
        calls: inventory.calls + (read?.calls ?? 0),
        throttledMs: inventory.throttledMs,
        warnings: inventory.warnings,
        metrics: {
          read: read?.metrics.size ?? 0,
          flagged,
          cap: this.metricsCap,
          failures: read?.failures ?? [],
        },
      },
    };
    return { report, memory: memoryOf(report, inventory.machines, carried) };
  }
}
