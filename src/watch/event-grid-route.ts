import { timingSafeEqual, createHash } from 'node:crypto';
import type http from 'node:http';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { scopeFromJson, subscriptionsOf } from '../digest/scope';
import { DeliveryError, parseDelivery, subscriptionOf } from './event-grid';
import type { WatchService } from './service';

// `POST /azure/events?key=<secret>`: Event Grid's webhook. The key is compared in constant time; the
// validation handshake is answered; resource writes run the watches of their subscriptions at once, through
// the same check as the tick (whose claim per change keeps the two from alerting twice).

export const EVENTS_PATH = '/azure/events';
const MAX_BODY = 1024 * 1024;

export interface EventGridRouteOptions {
  /** The shared secret Event Grid's subscription URL carries as `key`. */
  secret: string;
  store: Pick<Store, 'listWatches'>;
  service: () => Pick<WatchService, 'check' | 'resolve'>;
  configuredSubscriptions: readonly string[];
  logger: Logger;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new DeliveryError('The delivery is larger than 1 MB, the most Event Grid sends.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function eventGridRoute(options: EventGridRouteOptions) {
  const expected = digest(options.secret);
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) return false;
    if (req.method !== 'POST') {
      send(res, 405, { error: 'Event Grid delivers with POST.' });
      return true;
    }
    // Hashing first makes both sides the same length, so the comparison takes the same time for any key.
    if (!timingSafeEqual(digest(url.searchParams.get('key') ?? ''), expected)) {
      send(res, 401, { error: 'The key query parameter does not match the configured EVENT_GRID_SECRET.' });
      return true;
    }
    void handle(req, res, options).catch((err: unknown) => {
      options.logger.error({ err }, 'an Event Grid delivery failed');
      if (!res.headersSent)
        send(res, 500, { error: 'The delivery could not be processed; Event Grid retries it.' });
    });
    return true;
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, options: EventGridRouteOptions) {
  let delivery;
  try {
    delivery = parseDelivery(JSON.parse(await readBody(req)) as unknown);
  } catch (error) {
    const message = error instanceof DeliveryError ? error.message : 'The body is not JSON.';
    send(res, 400, { error: message });
    return;
  }
  if (delivery.kind === 'validation') {
    send(res, 200, { validationResponse: delivery.code });
    return;
  }
  const service = options.service();
  for (const watch of await options.store.listWatches()) {
    const watched = new Set(
      subscriptionsOf(scopeFromJson(watch.scope), options.configuredSubscriptions).map((id) =>
        id.toLowerCase(),
      ),
    );
    const changes = delivery.changes.filter((change) => watched.has(subscriptionOf(change) ?? ''));
    if (changes.length > 0) await service.check(watch, changes);
  }
  send(res, 200, { accepted: delivery.changes.length });
}
