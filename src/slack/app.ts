import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../logger';
import { registry } from '../metrics';
import { cachedProbe, readiness, type Probe } from '../readiness';
import { boltLogger } from './bolt-logger';
import type { SlackContext } from './context';
import { serveSlackEvents } from './ingress/events-endpoint';
import { registerListeners } from './listeners';

export interface SlackAppOptions {
  signingSecret?: string;
  botToken: string;
  appToken?: string;
  apiUrl?: string;
  port: number;
  host: string;
  logger: Logger;
  /** Marks a Slack request signature as seen; false when it was seen before (a replay). Store-backed. */
  firstSighting(signature: string): Promise<boolean>;
  /** What the app depends on besides Slack (the store, Azure), each reported by name on `/readyz`. */
  probes: Record<string, Probe>;
  /** Extra routes (the local workspace page) served before Slack's. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface RunningSlackApp {
  app: App;
  server: http.Server;
  port: number;
  stop(): Promise<void>;
}

const EVENTS_PATH = '/slack/events';

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The Bolt app behind our own HTTP server: `/slack/events` (Bolt's default path; signature, timestamp,
 * shape and replays checked by `serveSlackEvents` before Bolt), `/healthz`, `/readyz`, `/metrics`
 * (Prometheus). In Socket Mode the server keeps only the health and metrics routes.
 */
export async function startSlackApp(
  options: SlackAppOptions,
  createContext: (app: App) => SlackContext,
): Promise<RunningSlackApp> {
  const clientOptions = options.apiUrl ? { slackApiUrl: options.apiUrl } : undefined;
  const logger = boltLogger(options.logger);
  const socketMode = Boolean(options.appToken);
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({ signingSecret: options.signingSecret ?? '', endpoints: EVENTS_PATH, logger });
  const app = socketMode
    ? new App({
        token: options.botToken,
        appToken: options.appToken,
        socketMode: true,
        logger,
        clientOptions,
      })
    : new App({ token: options.botToken, receiver, logger, clientOptions });
  registerListeners(app, createContext(app));
  const probes = Object.fromEntries(
    Object.entries({
      // The Web API client throws on `ok: false` (a revoked token answers invalid_auth).
      slack: async () => void (await app.client.auth.test()),
      ...options.probes,
    }).map(([name, probe]) => [name, cachedProbe(probe)]),
  );

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    if (req.method === 'GET' && path === '/readyz') {
      void readiness(probes).then((report) => json(res, report.ok ? 200 : 503, report));
      return;
    }
    if (options.extraRoutes?.(req, res)) return;
    if (receiver && req.method === 'POST' && path === EVENTS_PATH) {
      return serveSlackEvents(req, res, {
        signingSecret: options.signingSecret ?? '',
        logger: options.logger,
        firstSighting: options.firstSighting,
        dispatch: receiver.requestListener,
      });
    }
    json(res, 404, { ok: false, error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  if (socketMode) await app.start();
  const port = (server.address() as AddressInfo).port;
  options.logger.info(
    { host: options.host, port, mode: socketMode ? 'socket' : 'http' },
    'Slack app listening',
  );
  return {
    app,
    server,
    port,
    stop: async () => {
      if (socketMode) await app.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
