import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { ApprovalWorkflow } from './approvals/workflow';
import type { Config } from './config';
import type { AzureEnvironment } from './environment';
import { neverLog, type Logger } from './logger';
import { openStore, type Store } from './store';
import { batchedLeaseAcquirer } from './store/lease-batch';
import { startSlackApp, type RunningSlackApp } from './slack/app';
import { slackContext } from './slack/compose';
import { digestCommands, type DigestCommands } from './slack/digests';
import { DigestService } from './digest/service';
import { DigestScheduler } from './digest/scheduler';
import { azureFleetReader } from './azure/fleet';
import { fleetJoiner } from './digest/inventory';
import { azureProbe } from './azure/readiness';
import { PROBE_TIMEOUT_MS } from './readiness';
import type { SlackContext } from './slack/context';
import { watchCommands, watchPoster } from './slack/watches';
import { azureWatchSources } from './watch/azure';
import { WatchService } from './watch/service';
import { WatchScheduler } from './watch/scheduler';
import { eventGridRoute } from './watch/event-grid-route';
import type { FixExecutor } from './slack/fix-executor';
import type { ProposalMessages } from './slack/proposal-messages';

export interface SlackEndpoint {
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  azure: AzureEnvironment;
  slack: SlackEndpoint;
  /** Defaults to the store the config names (DATA_DIR or DATABASE_URL). */
  store?: Store;
  /** How long an execution lease lasts between heartbeats (60 s) before any replica calls it interrupted; tests shorten it. */
  executionLeaseMs?: number;
  /** How long a user group's members read from Slack are trusted (60 s); tests shorten it. */
  approverGroupTtlMs?: number;
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** When the watch ticks, as cron (default every minute); tests use a per-second expression. */
  watchTick?: string;
}

export interface RunningApp {
  slack: RunningSlackApp;
  store: Store;
  workflow: ApprovalWorkflow;
  proposalMessages: ProposalMessages;
  executor: FixExecutor;
  replicaId: string;
  /**
   * Expires proposals past their time and closes executions whose process died, redrawing their messages
   * and re-checking the causes of the interrupted ones.
   */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

// A timestamp passes from 5 minutes behind to 5 minutes ahead of the clock (ingress/signature.ts), so a
// signature stays usable for up to 10 minutes after it is first seen; a minute more covers clock skew
// between replicas.
const REPLAY_WINDOW_MS = 11 * 60_000;
const REPLAY_LEASE = 'slack-request:';

/** The composition root: store, workflow, Slack app, timers. `main` and the integration tests start it. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config, logger, azure } = options;
  for (const secret of [
    options.slack.signingSecret,
    options.slack.botToken,
    options.slack.appToken,
    config.AZURE_ACCESS_TOKEN,
    config.EVENT_GRID_SECRET,
  ]) {
    neverLog(secret);
  }
  const store =
    options.store ?? (await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL }));
  const replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const workflow = new ApprovalWorkflow({
    store,
    clock: () => new Date(),
    approvalsRequired: config.APPROVALS_REQUIRED,
    approvalTtlMs: config.APPROVAL_TTL,
    executionLeaseMs: options.executionLeaseMs,
    logger,
  });
  const digestService = new DigestService({
    reader: azureFleetReader(azure.clients, fleetJoiner),
    store,
    configuredSubscriptions: azure.clients.settings.subscriptionIds,
  });
  let watchService: WatchService | undefined;
  let digests: DigestCommands | undefined;
  let context: SlackContext | undefined;
  // Digests post with the Bolt app's own Web API client, which exists once the app does.
  const createContext: Parameters<typeof startSlackApp>[1] = (app) => {
    digests = digestCommands({
      store,
      service: digestService,
      client: app.client,
      logger,
      // Runs only on `/rdp digest add|remove`, after the scheduler below exists.
      onChange: () => void scheduler.reload(),
    });
    watchService = new WatchService({
      ...azureWatchSources(azure.clients),
      store,
      poster: watchPoster(app.client),
      configuredSubscriptions: azure.clients.settings.subscriptionIds,
    });
    const watches = watchCommands({ store, service: watchService, logger });
    context = slackContext({
      config,
      logger,
      store,
      azure,
      replicaId,
      workflow,
      digests,
      watches,
      appSecret: options.slack.signingSecret || options.slack.botToken,
      approverGroupTtlMs: options.approverGroupTtlMs,
    })(app);
    return context;
  };
  // Event Grid's webhook, served only when its shared secret is configured.
  const withEventGrid = (extra: StartOptions['extraRoutes']): StartOptions['extraRoutes'] => {
    if (!config.EVENT_GRID_SECRET) return extra;
    const route = eventGridRoute({
      secret: config.EVENT_GRID_SECRET,
      store,
      service: () => watchService!,
      configuredSubscriptions: azure.clients.settings.subscriptionIds,
      logger,
    });
    return (req, res) => route(req, res) || (extra?.(req, res) ?? false);
  };
  const acquireReplayLease = batchedLeaseAcquirer(store);
  const slack = await startSlackApp(
    {
      signingSecret: options.slack.signingSecret,
      botToken: options.slack.botToken,
      appToken: options.slack.appToken,
      apiUrl: options.slack.apiUrl,
      port: config.PORT,
      host: config.HOST,
      logger,
      // Only a signed, well-formed request gets here (nothing is stored for strangers). A signature is
      // unique per request: seen twice within the timestamp window is a replay. Each
      // sighting holds the lease under its own name, so not even this replica can take it twice. Sightings
      // that arrive together share one commit.
      firstSighting: (signature) =>
        acquireReplayLease(
          `${REPLAY_LEASE}${signature}`,
          `${replicaId}:${randomBytes(8).toString('hex')}`,
          REPLAY_WINDOW_MS,
        ),
      probes: {
        store: async () => void (await store.getLease('readiness-probe')),
        azure: azureProbe(azure.clients, PROBE_TIMEOUT_MS),
      },
      extraRoutes: withEventGrid(options.extraRoutes),
    },
    createContext,
  );
  const scheduler = new DigestScheduler({
    store,
    holder: replicaId,
    deliver: (subscription) => digests!.deliver(subscription),
    logger,
  });
  await scheduler.start();
  const watchScheduler = new WatchScheduler({
    store,
    holder: replicaId,
    tick: () => watchService!.tick(),
    logger,
    expression: options.watchTick,
  });
  watchScheduler.start();
  const { proposalMessages, executor } = context as SlackContext;
  // Any replica closes an execution whose lease lapsed (its process died or lost the database) as
  // interrupted, redraws its message, and re-checks the cause it was for; one winner per execution.
  const recoverInterrupted = async () => {
    await proposalMessages.redraw(await workflow.recoverInterrupted(replicaId));
    await executor.reportInterruptions();
  };
  // A round still re-checking (a Run Command) is not started again; `stop` waits for it.
  let recovery: Promise<void> | null = null;
  const recoverInBackground = () => {
    recovery ??= recoverInterrupted()
      .catch((err: unknown) => logger.warn({ err }, 'recovering interrupted executions failed'))
      .finally(() => (recovery = null));
  };
  // Executions a process left behind when it died are closed before requests come, and re-checked after.
  await proposalMessages.redraw(await workflow.recoverInterrupted(replicaId));
  recoverInBackground();
  const sweep = async () => {
    await proposalMessages.redraw(await workflow.expire());
    await recoverInterrupted();
    await (context as SlackContext).runner.closeAbandonedRuns();
    await store.deleteExpiredLeases(REPLAY_LEASE);
  };
  const housekeeping = setInterval(() => {
    void sweep().catch((err: unknown) =>
      logger.warn({ err }, 'expiring proposals or recovering executions failed'),
    );
  }, 60_000);
  housekeeping.unref();
  // As often as a running fix's heartbeat, so a lapsed lease is noticed within a third of a lease.
  const interruptions = setInterval(recoverInBackground, workflow.heartbeatMs);
  interruptions.unref();
  return {
    slack,
    store,
    workflow,
    proposalMessages,
    executor,
    replicaId,
    sweep,
    stop: async () => {
      clearInterval(housekeeping);
      clearInterval(interruptions);
      await recovery;
      await scheduler.stop();
      await watchScheduler.stop();
      await slack.stop();
      // Runs and executions in progress finish their messages (the boot screenshot is the last post).
      await (context as SlackContext).runner.idle();
      await executor.idle();
      if (!options.store) await store.close();
    },
  };
}
