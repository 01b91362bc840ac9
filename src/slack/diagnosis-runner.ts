import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Attachment } from '../azure/gatherer';
import { LAYERS, type DiagnosisRequest, type Facts, type VmIdentity } from '../diagnosis/facts';
import { layerStates } from '../diagnosis/layers';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { Finding, Report, ReportVm } from '../diagnosis/report';
import type { Logger } from '../logger';
import type { Store } from '../store';
import type { ProgressEvent } from '../pipeline/diagnose';
import { describeFailure } from '../pipeline/failure';
import { diagnosisDetails, diagnosisMessage } from './blocks/diagnosis';
import type { LiveDiagnosis } from './blocks/types';
import { MessageUpdater } from './message-updater';
import { screenshotAsPng } from './screenshot';

/** The engine as the Slack app sees it: bound to Azure by the composition root. */
export interface DiagnosisService {
  locate(target: string): Promise<VmIdentity>;
  diagnose(
    identity: VmIdentity,
    request: DiagnosisRequest,
    on: { progress: (event: ProgressEvent) => void; attachment?: (attachment: Attachment) => void },
  ): Promise<Report>;
}

/**
 * What the runner needs from the store: a lease so replicas do not run the same VM twice, the runs in
 * flight, and snapshots.
 */
export type RunStore = Pick<
  Store,
  | 'acquireLease'
  | 'releaseLease'
  | 'saveSnapshot'
  | 'getSnapshot'
  | 'startDiagnosisRun'
  | 'finishDiagnosisRun'
  | 'abandonOverdueRuns'
>;

export interface RunRequest {
  channel: string;
  user: string;
  identity: VmIdentity;
  target: string;
  request: DiagnosisRequest;
  /** The message to reply under (a message shortcut's); the run's message starts the thread otherwise. */
  threadTs?: string;
}

export type RunStart = { outcome: 'started' | 'joined'; runId: string } | { outcome: 'busy-elsewhere' };

/** Told each time a run keeps its findings for fixes, and once more (`ended`) when the run is over. */
type KeptListener = (findings: readonly Finding[], ended: boolean) => void;

interface ActiveRun {
  state: LiveDiagnosis;
  updater?: MessageUpdater;
  kept: Set<KeptListener>;
  /** The findings the run kept last, for a listener that comes after. */
  lastKept: readonly Finding[];
}

/**
 * What an unfinished run knows: the findings and checks of the layers done so far. Its verdict is the
 * settled one when there is one; it is never listed as a finished diagnosis.
 */
function unfinishedReport(vm: ReportVm, state: LiveDiagnosis, facts: Facts): Report {
  const done = LAYERS.filter((layer) => state.layers[layer]);
  const checks = done.flatMap((layer) => state.layers[layer] ?? []);
  const verdict = state.settled ?? {
    layer: 'none' as const,
    causes: [],
    summary: 'The diagnosis is still running.',
  };
  return {
    schemaVersion: 1,
    vm,
    symptom: state.request.symptom,
    source: state.request.source,
    startedAt: state.startedAt,
    finishedAt: facts.now,
    verdict,
    layers: layerStates(checks, verdict),
    checks,
    findings: done.flatMap((layer) => state.findings?.[layer] ?? []),
  };
}

const RUN_LEASE_MS = 10 * 60_000;
// A run is bounded by its gatherers' timeouts (the Run Command's 120 s is the longest): a run still
// running past this died with its process.
const IN_FLIGHT_MS = 5 * 60_000;

/**
 * One diagnosis run per VM and channel at a time: people who ask while it runs join it (their names
 * are added to the one message); the message follows the run layer by layer and always ends in a
 * verdict or a failure that says what to do.
 */
export class DiagnosisRunner {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(
    private readonly deps: {
      client: WebClient;
      service: DiagnosisService;
      store: RunStore;
      logger: Logger;
      replicaId: string;
      /** The Azure portal of the configured cloud, for the links of an incomplete report. */
      portal: string;
    },
  ) {}

  /** Resolves when the run's message is posted (or the requester joined a run); the run goes on. */
  async start(req: RunRequest): Promise<RunStart> {
    const key = `${req.channel}:${req.identity.id.toLowerCase()}`;
    const existing = this.runs.get(key);
    if (existing) {
      if (!existing.state.requestedBy.includes(req.user)) existing.state.requestedBy.push(req.user);
      existing.updater?.push(diagnosisMessage(existing.state));
      return { outcome: 'joined', runId: existing.state.runId };
    }
    const run: ActiveRun = {
      state: {
        runId: randomUUID(),
        target: req.target,
        requestedBy: [req.user],
        request: req.request,
        startedAt: new Date().toISOString(),
        layers: {},
        portal: this.deps.portal,
      },
      kept: new Set(),
      lastKept: [],
    };
    this.runs.set(key, run);
    const lease = `diagnosis:${key}`;
    try {
      if (!(await this.deps.store.acquireLease(lease, this.deps.replicaId, RUN_LEASE_MS))) {
        this.runs.delete(key);
        return { outcome: 'busy-elsewhere' };
      }
      const posted = await this.deps.client.chat.postMessage({
        channel: req.channel,
        ...(req.threadTs ? { thread_ts: req.threadTs } : {}),
        ...diagnosisMessage(run.state),
      });
      run.updater = new MessageUpdater(this.deps.client, req.channel, posted.ts as string, this.deps.logger);
      const { runId } = run.state;
      await this.deps.store.startDiagnosisRun(
        {
          runId,
          channel: req.channel,
          messageTs: posted.ts as string,
          target: req.target,
          holder: this.deps.replicaId,
        },
        IN_FLIGHT_MS,
      );
      void this.follow(run, req, posted.ts as string).finally(async () => {
        this.runs.delete(key);
        for (const listener of run.kept) listener([], true);
        await this.deps.store.finishDiagnosisRun(runId).catch(() => undefined);
        await this.deps.store.releaseLease(lease, this.deps.replicaId).catch(() => undefined);
      });
      return { outcome: 'started', runId: run.state.runId };
    } catch (error) {
      this.runs.delete(key);
      await this.deps.store.releaseLease(lease, this.deps.replicaId).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs whose process died mid-way (still running past their time): their messages still say "checking",
   * so they are closed with what happened and what to do. Any replica may do it; each run is closed once.
   */
  async closeAbandonedRuns(now = new Date()): Promise<number> {
    const abandoned = await this.deps.store.abandonOverdueRuns(now);
    for (const { runId, target, channel, messageTs: ts, startedAt } of abandoned) {
      const state: LiveDiagnosis = {
        runId,
        target,
        requestedBy: [],
        request: { symptom: 'unknown', source: null, host: null },
        startedAt,
        layers: {},
        portal: this.deps.portal,
        failure: `rdp-doctor stopped while this diagnosis ran, so it never finished. Run \`/rdp ${target}\` again.`,
      };
      try {
        await this.deps.client.chat.update({ channel, ts, ...diagnosisMessage(state) });
      } catch (error) {
        this.deps.logger.warn({ err: error, channel, ts }, 'closing an abandoned diagnosis message failed');
      }
    }
    return abandoned.length;
  }

  /**
   * The cause whose finding offers `fix`, as soon as the run keeps that finding for fix buttons (its
   * snapshot saved, so the fix can be proposed); null when the run ends without it or failed. A run no
   * longer in progress here answers from its last snapshot.
   */
  async fixOffered(runId: string, fix: FixId): Promise<CauseId | null> {
    const offering = (findings: readonly Finding[]) =>
      findings.find((finding) => finding.fixes.includes(fix))?.cause ?? null;
    const run = [...this.runs.values()].find((candidate) => candidate.state.runId === runId);
    if (!run) {
      const snapshot = await this.deps.store.getSnapshot(runId);
      return snapshot ? offering(snapshot.report.findings) : null;
    }
    const already = offering(run.lastKept);
    if (already) return already;
    return new Promise((resolve) => {
      const listener: KeptListener = (findings, ended) => {
        const cause = offering(findings);
        if (!cause && !ended) return;
        run.kept.delete(listener);
        resolve(cause);
      };
      run.kept.add(listener);
    });
  }

  /** Waits for every run in progress to finish (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.runs.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private tellKept(run: ActiveRun, findings: readonly Finding[], ended: boolean): void {
    run.lastKept = findings;
    for (const listener of [...run.kept]) listener(findings, ended);
  }

  /** The boot diagnostics screenshot in the thread: what the console showed when the check ran. */
  private async uploadScreenshot(
    channel: string,
    threadTs: string,
    vmName: string,
    bmp: Buffer,
  ): Promise<void> {
    const png = screenshotAsPng(bmp);
    if (!png) return;
    try {
      await this.deps.client.filesUploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        file: png,
        filename: `${vmName}-boot-screenshot.png`,
        title: `Boot diagnostics screenshot of ${vmName}`,
        alt_text: `The console of ${vmName} as boot diagnostics captured it`,
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, channel }, 'uploading the boot screenshot failed');
    }
  }

  private async follow(run: ActiveRun, req: RunRequest, ts: string): Promise<void> {
    const { state } = run;
    // Slack threads have one level: a run that is itself a reply puts its details beside it.
    const thread = req.threadTs ?? ts;
    const updater = run.updater!;
    let facts: Facts | undefined;
    let screenshot: Buffer | undefined;
    // Snapshot saves in the order of the events, the finished run's last.
    let snapshotSaved: Promise<unknown> = Promise.resolve();
    const keepForFixes = (layerFacts: Facts) => {
      const vm = state.vm;
      if (!vm) return;
      const report = unfinishedReport(vm, state, layerFacts);
      snapshotSaved = snapshotSaved
        .then(() =>
          this.deps.store.saveSnapshot({
            runId: state.runId,
            vmId: vm.id,
            channel: req.channel,
            messageTs: ts,
            requestedBy: state.requestedBy,
            report,
            facts: layerFacts,
            complete: false,
          }),
        )
        .then(() => this.tellKept(run, report.findings, false))
        .catch((error: unknown) =>
          // The finished run saves again; until then a fix click says the diagnosis is still finishing.
          this.deps.logger.warn({ err: error, runId: state.runId }, 'keeping an unfinished diagnosis failed'),
        );
    };
    try {
      const report = await this.deps.service.diagnose(req.identity, req.request, {
        attachment: (attachment) => {
          if (attachment.kind === 'boot-screenshot') screenshot = attachment.bytes;
        },
        progress: (event) => {
          if (event.type === 'started') state.vm = event.vm;
          if (event.type === 'layer' && event.provisional) state.provisional = event.verdict;
          else if (event.type === 'layer') {
            if (event.confirmation) state.provisional = event.confirmation;
            state.layers[event.layer] = event.outcomes.map((o) => o.check);
            state.findings = {
              ...state.findings,
              [event.layer]: event.outcomes.flatMap((o) => (o.finding ? [o.finding] : [])),
            };
            // A fix button works the moment it is shown: keep what its plan reads now, not at the end.
            if (event.outcomes.some((o) => (o.finding?.fixes.length ?? 0) > 0)) keepForFixes(event.facts);
          }
          if (event.type === 'settled') state.settled = event.verdict;
          if (event.type === 'done') facts = event.facts;
          updater.push(diagnosisMessage(state));
        },
      });
      state.report = report;
      updater.push(diagnosisMessage(state));
      await updater.flush();
      await snapshotSaved;
      await this.deps.store.saveSnapshot({
        runId: state.runId,
        vmId: report.vm.id,
        channel: req.channel,
        messageTs: ts,
        requestedBy: state.requestedBy,
        report,
        facts: facts ?? null,
      });
      this.tellKept(run, report.findings, true);
      for (const message of diagnosisDetails(report, {
        metrics: facts?.metrics.status === 'ok' ? facts.metrics.value : undefined,
      })) {
        await this.deps.client.chat.postMessage({ channel: req.channel, thread_ts: thread, ...message });
      }
      if (screenshot) await this.uploadScreenshot(req.channel, thread, report.vm.name, screenshot);
    } catch (error) {
      this.deps.logger.error({ err: error, runId: state.runId }, 'diagnosis run failed');
      state.failure = `${describeFailure(error).message} Run \`/rdp ${req.target}\` again; if it keeps failing, run \`rdp-doctor diagnose ${req.target}\` from a terminal to see more.`;
      updater.push(diagnosisMessage(state));
      await updater.flush();
    }
  }
}
