import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { ApprovalWorkflow } from './approvals/workflow';
import type { Config } from './config';
import type { AzureEnvironment } from './environment';
import type { Logger } from './logger';
import { openStore, type Store } from './store';
import { startSlackApp, type RunningSlackApp } from './slack/app';
import { slackContext } from './slack/compose';
import { digestCommands, type DigestCommands } from './slack/digests';
import { DigestService } from './digest/service';
import { DigestScheduler } from './digest/scheduler';
import { azureFleetReader } from './azure/fleet';
import { azureProbe } from './azure/readiness';
import { PROBE_TIMEOUT_MS } from './readiness';
import type { SlackContext } from './slack/context';
import type { FixProposals } from './slack/proposals';

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
  /** How long an execution may run before a restart treats it as interrupted; tests shorten it. */
  executionLeaseMs?: number;
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface RunningApp {
  slack: RunningSlackApp;
  store: Store;
  workflow: ApprovalWorkflow;
  proposals: FixProposals;
  replicaId: string;
  /** Expires proposals past their time and closes executions whose process died, redrawing their messages. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

const REPLAY_WINDOW_MS = 6 * 60_000;
const REPLAY_LEASE = 'slack-request:';

/** The composition root: store, workflow, Slack app, timers. `main` and the integration tests start it. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config, logger, azure } = options;
  const store =
    options.store ?? (await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL }));
  const replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const workflow = new ApprovalWorkflow({
    store,
    clock: () => new Date(),
    approvalsRequired: config.APPROVALS_REQUIRED,
    approvalTtlMs: config.APPROVAL_TTL,
    executionLeaseMs: options.executionLeaseMs,
  });
  const digestService = new DigestService({
    reader: azureFleetReader(azure.clients),
    store,
    configuredSubscriptions: azure.clients.settings.subscriptionIds,
  });
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
    context = slackContext({ config, logger, store, azure, replicaId, workflow, digests })(app);
    return context;
  };
  const slack = await startSlackApp(
    {
      signingSecret: options.slack.signingSecret,
      botToken: options.slack.botToken,
      appToken: options.slack.appToken,
      apiUrl: options.slack.apiUrl,
      port: config.PORT,
      host: config.HOST,
      logger,
      // A signature is unique per request: seen twice within the timestamp window is a replay. Each
      // sighting holds the lease under its own name, so not even this replica can take it twice.
      firstSighting: (signature) =>
        store.acquireLease(
          `${REPLAY_LEASE}${signature}`,
          `${replicaId}:${randomBytes(8).toString('hex')}`,
          REPLAY_WINDOW_MS,
        ),
      probes: {
        store: async () => void (await store.getLease('readiness-probe')),
        azure: azureProbe(azure.clients, PROBE_TIMEOUT_MS),
      },
      extraRoutes: options.extraRoutes,
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
  const proposals = (context as SlackContext).proposals;
  // Executions a process left behind when it died are closed as interrupted, and their messages say so.
  await proposals.redraw(await workflow.recoverInterrupted());
  const sweep = async () => {
    await proposals.redraw(await workflow.expire());
    await proposals.redraw(await workflow.recoverInterrupted());
    await (context as SlackContext).runner.closeAbandonedRuns();
    await store.deleteExpiredLeases(REPLAY_LEASE);
  };
  const housekeeping = setInterval(() => {
    void sweep().catch((err: unknown) =>
      logger.warn({ err }, 'expiring proposals or recovering executions failed'),
    );
  }, 60_000);
  housekeeping.unref();
  return {
    slack,
    store,
    workflow,
    proposals,
    replicaId,
    sweep,
    stop: async () => {
      clearInterval(housekeeping);
      await scheduler.stop();
      await slack.stop();
      await proposals.idle();
      if (!options.store) await store.close();
    },
  };
}
