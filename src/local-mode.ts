import { randomBytes } from 'node:crypto';
import { startApp } from './app';
import type { Config } from './config';
import { openSandboxAzure, type AzureEnvironment } from './environment';
import type { Logger } from './logger';
import { loadLocalWorkspace, loadSlackFake, type SandboxOptions } from './stand-ins';
import { openStore } from './store';
import { hardenAsColleague } from './local-harden';

// Local mode: `npm start` with no Slack settings. The real app, unchanged, against the fake Slack Web API
// and the sandbox Azure, with the workspace page mounted on the app's own port to play the Slack client.
// All three are workspace packages loaded here by dynamic import; nothing reaches Slack or Azure.

export interface LocalModeOptions {
  /**
   * How long the sandbox takes to answer. By default Azure's own timings a fifth as long (Run Command in
   * about 6 s), so the message visibly fills in layer by layer; tests turn it off or shorten it further.
   */
  sandbox?: SandboxOptions;
  /**
   * How long each gatherer waits, by fact. By default a hung Run Command reads as an incomplete diagnosis
   * after 30 s (its answer takes about 6 s here) instead of the two minutes real Azure is given.
   */
  timeouts?: AzureEnvironment['timeouts'];
}

export interface LocalMode {
  /** The page: `http://localhost:<port>/`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_SANDBOX = { latency: 'realistic', scale: 0.2 } as const;
const DEFAULT_TIMEOUTS = { guest: 30_000 };

/**
 * The local workspace's people are made up and its Azure is the sandbox, so with APPROVERS unset any of them
 * other than the proposer may approve there (as APPROVERS=* would say): the two-person rule still shows,
 * and production, where unset means nobody, is never reached from here.
 */
function localApprovers(config: Config, logger: Logger): Config {
  if (config.APPROVERS.kind !== 'unset') return config;
  logger.warn(
    'LOCAL MODE: APPROVERS is unset, so anyone here but the proposer may approve (as APPROVERS=*).',
  );
  return { ...config, APPROVERS: { kind: 'any-member' } };
}

export async function startLocalMode(
  config: Config,
  logger: Logger,
  options: LocalModeOptions = {},
): Promise<LocalMode> {
  logger.warn(
    'LOCAL MODE: no Slack settings, so rdp-doctor runs against a FAKE Slack and a SANDBOX Azure on this machine. ' +
      'This is never production: nothing reaches Slack or Azure. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to run for real.',
  );
  const [{ startFakeSlack }, { openLocalWorkspace }] = await Promise.all([
    loadSlackFake(),
    loadLocalWorkspace(),
  ]);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const fake = await startFakeSlack();
    stops.push(() => fake.stop());
    const azure = {
      ...(await openSandboxAzure(options.sandbox ?? DEFAULT_SANDBOX)),
      timeouts: options.timeouts ?? DEFAULT_TIMEOUTS,
    };
    stops.push(() => azure.close());
    // The embedded store under DATA_DIR, whatever DATABASE_URL says: local mode never touches a shared database.
    const store = await openStore({ dataDir: config.DATA_DIR });
    stops.push(() => store.close());
    // A new secret each start: only this process's page can sign requests the app accepts.
    const signingSecret = randomBytes(32).toString('hex');
    const sandbox = azure.sandbox;
    const workspace = openLocalWorkspace({
      slack: fake,
      signingSecret,
      logger,
      harden: sandbox ? () => hardenAsColleague(sandbox, azure.clients) : undefined,
    });
    stops.push(async () => workspace.close());
    const app = await startApp({
      // Loopback only, whatever HOST says: the page signs requests as any of its people.
      config: { ...localApprovers(config, logger), HOST: '127.0.0.1' },
      logger,
      azure,
      store,
      slack: { botToken: fake.botToken, signingSecret, apiUrl: fake.url },
      extraRoutes: workspace.routes,
      // Every 10 seconds: a newcomer sees the watch alert without waiting out a minute.
      watchTick: '*/10 * * * * *',
    });
    stops.push(() => app.stop());
    const port = app.slack.port;
    workspace.connect(`http://127.0.0.1:${port}/slack/events`);
    const url = `http://localhost:${port}/`;
    logger.warn(
      { url },
      `LOCAL MODE: open ${url} to use rdp-doctor as Alice, Bob or Carol in #${workspace.channel}`,
    );
    return { url, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
