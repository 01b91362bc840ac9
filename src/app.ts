import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { ApprovalWorkflow } from './approvals/workflow';
import type { Config } from './config';
import type { AzureEnvironment } from './environment';
import type { Logger } from './logger';
import { openStore, type Store } from './store';
import { startSlackApp, type RunningSlackApp } from './slack/app';
import { slackContext, type AppDependencies } from './slack/compose';

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
  /** The `/rdp digest …` handlers; built from the other dependencies. */
  digests: (deps: Omit<AppDependencies, 'digests'> & { workflow: ApprovalWorkflow }) => AppDependencies['digests'];
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface RunningApp {
  slack: RunningSlackApp;
  store: Store;
  workflow: ApprovalWorkflow;
  replicaId: string;
  stop(): Promise<void>;
}

const REPLAY_WINDOW_MS = 6 * 60_000;

/** The composition root: store, workflow, Slack app, timers. `main` and the integration tests start it. */
export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config, logger, azure } = options;
  const store = options.store ?? (await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL }));
  const replicaId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const workflow = new ApprovalWorkflow({
    store,
    clock: () => new Date(),
    approvalsRequired: config.APPROVALS_REQUIRED,
    approvalTtlMs: config.APPROVAL_TTL,
  });
  await workflow.recoverInterrupted();
  const base = { config, logger, store, azure, replicaId };
  const deps: AppDependencies = { ...base, digests: options.digests({ ...base, workflow }) };
  const slack = await startSlackApp(
    {
      signingSecret: options.slack.signingSecret,
      botToken: options.slack.botToken,
      appToken: options.slack.appToken,
      apiUrl: options.slack.apiUrl,
      port: config.PORT,
      logger,
      // A signature is unique per request: seen twice within the timestamp window is a replay. Each
      // sighting holds the lease under its own name, so not even this replica can take it twice.
      firstSighting: (signature) =>
        store.acquireLease(`slack-request:${signature}`, `${replicaId}:${randomBytes(8).toString('hex')}`, REPLAY_WINDOW_MS),
      storeReady: async () => (await store.getLease('readiness-probe'), true),
      extraRoutes: options.extraRoutes,
    },
    slackContext(deps),
  );
  const housekeeping = setInterval(() => {
    void workflow.expire().catch((err: unknown) => logger.warn({ err }, 'expiring proposals failed'));
    void workflow.recoverInterrupted().catch((err: unknown) => logger.warn({ err }, 'recovering executions failed'));
  }, 60_000);
  housekeeping.unref();
  return {
    slack,
    store,
    workflow,
    replicaId,
    stop: async () => {
      clearInterval(housekeeping);
      await slack.stop();
      if (!options.store) await store.close();
    },
  };
}
