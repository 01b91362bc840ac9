import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FakeSlack } from '@rdp-doctor/slack-fake';
import type { LiveFeed } from './live-feed';
import { personById, type Person } from './people';
import type { RelayAnswer, SlackRelay } from './relay';

// The page and its relay on the app's own HTTP server, served before Slack's routes: `/` and its two
// assets, the event stream, the files the app uploaded, and the POSTs that become Slack requests.

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/local/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/local/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

// The page loads only its own assets; drawn messages cannot pull anything from elsewhere or run script.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'";
const BODY_LIMIT = 64 * 1024;

export type PageAssets = Map<string, Buffer>;

/** The page's files, beside this module in src/ (tests) and in dist/ (copied by the build). */
export function loadPageAssets(dir = join(__dirname, 'page')): PageAssets {
  const assets: PageAssets = new Map();
  for (const { file } of Object.values(ASSETS)) {
    try {
      assets.set(file, readFileSync(join(dir, file)));
    } catch {
      throw new Error(
        `The local workspace page is missing ${join(dir, file)}: run \`npm run build\`, which copies it.`,
      );
    }
  }
  return assets;
}

export interface RouteDependencies {
  fake: FakeSlack;
  feed: LiveFeed;
  relay: SlackRelay;
  assets: PageAssets;
  /** Makes a breaking change in the sandbox Azure as someone else; says what it did. */
  harden?: () => Promise<string>;
  /** Where the page's failures are reported: the app's own logger. */
  logger: { error(details: object, message: string): void };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new RangeError('request body over 64 KB');
    chunks.push(chunk as Buffer);
  }
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function localRoutes(deps: RouteDependencies): (req: IncomingMessage, res: ServerResponse) => boolean {
  const post = async (
    path: string,
    person: Person,
    body: Record<string, unknown>,
  ): Promise<RelayAnswer | null> => {
    switch (path) {
      case '/local/type':
        return deps.relay.typed(person, text(body.text));
      case '/local/action':
        return deps.relay.action(person, {
          ts: text(body.ts),
          blockId: text(body.blockId),
          actionId: text(body.actionId),
          ...(typeof body.selected === 'string' ? { selected: body.selected } : {}),
        });
      case '/local/view-submit':
        return deps.relay.submit(person, {
          viewId: text(body.viewId),
          values: (body.values ?? {}) as Record<string, Record<string, string>>,
        });
      case '/local/view-close':
        return deps.relay.close(person, text(body.viewId));
      case '/local/harden':
        return deps.harden
          ? { status: 200, body: { ok: true, message: await deps.harden() } }
          : { status: 404, body: { ok: false, error: 'This workspace has no sandbox Azure to change.' } };
      default:
        return null;
    }
  };

  const handlePost = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    // A JSON content type cannot be sent cross-site without a preflight, so another page cannot drive this one.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return json(res, 415, { ok: false, error: 'Send JSON (content-type: application/json).' });
    }
    const body = await readJson(req);
    const person = personById(body.as);
    if (!person)
      return json(res, 400, { ok: false, error: `No person ${String(body.as)} in the local workspace.` });
    const answer = await post(path, person, body);
    if (!answer) return json(res, 404, { ok: false, error: `Nothing at ${path}.` });
    json(res, answer.status, answer.body);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && ASSETS[path]) {
      const asset = ASSETS[path];
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'no-store',
        'content-security-policy': CONTENT_SECURITY_POLICY,
      });
      res.end(deps.assets.get(asset.file));
      return true;
    }
    if (req.method === 'GET' && path === '/local/events') {
      const person = personById(url.searchParams.get('as'));
      if (!person) json(res, 400, { ok: false, error: 'Say who you are: /local/events?as=<user id>.' });
      else deps.feed.connect(req, res, person);
      return true;
    }
    if (req.method === 'GET' && path.startsWith('/local/files/')) {
      const id = decodeURIComponent(path.slice('/local/files/'.length));
      const file = deps.fake.files.find((f) => f.id === id && f.completed && f.bytes);
      if (!file?.bytes) json(res, 404, { ok: false, error: `No file ${id}.` });
      else {
        res.writeHead(200, {
          'content-type': file.mimetype,
          'content-length': file.bytes.length,
          'cache-control': 'no-store',
        });
        res.end(file.bytes);
      }
      return true;
    }
    if (req.method === 'POST' && path.startsWith('/local/')) {
      handlePost(req, res, path).catch((error: unknown) => {
        deps.logger.error({ err: error, path }, 'the local workspace could not relay a request to the app');
        json(res, error instanceof SyntaxError || error instanceof RangeError ? 400 : 500, {
          ok: false,
          error: `The local workspace could not do that: ${(error as Error).message}`,
        });
      });
      return true;
    }
    return false;
  };
}
