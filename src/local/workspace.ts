import { randomBytes } from 'node:crypto';
import { startApp } from '../app';
import type { Config } from '../config';
import { openSandboxAzure } from '../environment';
import type { Logger } from '../logger';
import type { LatencyProfile } from '../sandbox/latency';
import { startFakeSlack } from '../slack/fake';
import { openStore } from '../store';
import { LiveFeed } from './live-feed';
import { CHANNEL, PEOPLE } from './people';
import { SlackRelay } from './relay';
import { loadPageAssets, localRoutes } from './routes';

// Local mode: `npm start` with no Slack settings. The real app, unchanged, against a fake Slack Web API and
// the sandbox Azure, with a page on the app's own port that plays the Slack client: it shows what the app
// posts and sends the app the requests Slack would. Nothing here reaches Slack or Azure.

export interface LocalWorkspaceOptions {
  /**
   * How long the sandbox takes to answer. By default Azure's own timings a fifth as long (Run Command in
   * about 6 s), so the message visibly fills in layer by layer; tests turn it off or shorten it further.
   */
  sandbox?: { latency: LatencyProfile; scale?: number };
}

export interface LocalWorkspace {
  /** The page: `http://localhost:<port>/`. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const DEFAULT_SANDBOX = { latency: 'realistic', scale: 0.2 } as const;

export async function startLocalWorkspace(
  config: Config,
  logger: Logger,
  options: LocalWorkspaceOptions = {},
): Promise<LocalWorkspace> {
  logger.warn(
    'LOCAL MODE: no Slack settings, so rdp-doctor runs against a FAKE Slack and a SANDBOX Azure on this machine. ' +
      'This is never production: nothing reaches Slack or Azure. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to run for real.',
  );
  const assets = loadPageAssets();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const fake = await startFakeSlack();
    stops.push(() => fake.stop());
    for (const person of PEOPLE)
      fake.setUser({ id: person.id, name: person.name, real_name: person.realName });
    fake.setChannel({ id: CHANNEL.id, name: CHANNEL.name });
    const azure = await openSandboxAzure(options.sandbox ?? DEFAULT_SANDBOX);
    stops.push(() => azure.close());
    // The embedded store under DATA_DIR, whatever DATABASE_URL says: local mode never touches a shared database.
    const store = await openStore({ dataDir: config.DATA_DIR });
    stops.push(() => store.close());
    const feed = new LiveFeed(fake);
    stops.push(async () => feed.close());
    // A new secret each start: only this process's relay can sign requests the app accepts.
    const signingSecret = randomBytes(32).toString('hex');
    let eventsUrl = '';
    const relay = new SlackRelay({ fake, feed, signingSecret, eventsUrl: () => eventsUrl });
    const app = await startApp({
      config,
      logger,
      azure,
      store,
      slack: { botToken: fake.botToken, signingSecret, apiUrl: fake.url },
      extraRoutes: localRoutes({ fake, feed, relay, assets, logger }),
    });
    stops.push(() => app.stop());
    const port = app.slack.port;
    eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    const url = `http://localhost:${port}/`;
    logger.warn(
      { url },
      `LOCAL MODE: open ${url} to use rdp-doctor as Alice, Bob or Carol in #${CHANNEL.name}`,
    );
    return { url, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
