import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeSlack } from '@rdp-doctor/slack-fake';
import { LiveFeed } from './live-feed';
import { CHANNEL, PEOPLE } from './people';
import { SlackRelay } from './relay';
import { loadPageAssets, localRoutes } from './routes';

// The local workspace: a page that plays the Slack client against a fake Slack. It shows what the app
// posted to the fake Slack's Web API and sends the app the signed requests Slack would send. It knows
// the app only by URL and signing secret; whoever runs local mode starts the app and mounts `routes`.

export interface LocalWorkspaceOptions {
  /** The fake Slack the app posts to; the workspace adds its people and channel. */
  slack: FakeSlack;
  /** The app's signing secret: the workspace signs its requests with it, as Slack does. */
  signingSecret: string;
  logger: { error(details: object, message: string): void };
  /** The "add a hardening deny rule" button: a change in the sandbox Azure made as a colleague. */
  harden?: () => Promise<string>;
}

export interface LocalWorkspace {
  /** The page and its relay, to serve before the app's own routes; true when it answered the request. */
  routes(req: IncomingMessage, res: ServerResponse): boolean;
  /** Where the app listens for Slack's requests (`…/slack/events`), once its server is up. */
  connect(eventsUrl: string): void;
  /** The channel the page shows, for the start-up message. */
  channel: string;
  close(): void;
}

export function openLocalWorkspace(options: LocalWorkspaceOptions): LocalWorkspace {
  const { slack, signingSecret, logger } = options;
  const assets = loadPageAssets();
  for (const person of PEOPLE)
    slack.setUser({ id: person.id, name: person.name, real_name: person.realName });
  slack.setChannel({ id: CHANNEL.id, name: CHANNEL.name });
  const feed = new LiveFeed(slack);
  let eventsUrl = '';
  const relay = new SlackRelay({ fake: slack, feed, signingSecret, eventsUrl: () => eventsUrl });
  return {
    routes: localRoutes({ fake: slack, feed, relay, assets, logger, harden: options.harden }),
    connect(url) {
      eventsUrl = url;
    },
    channel: CHANNEL.name,
    close: () => feed.close(),
  };
}
