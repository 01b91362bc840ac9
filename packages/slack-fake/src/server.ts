// A fake Slack Web API on loopback for integration tests and the local browser workspace. Point Bolt
// at `url` (clientOptions.slackApiUrl / SLACK_API_URL) and it answers like slack.com/api: HTTP 200 with
// `ok: false` for API errors, 429 + Retry-After when rate limited, and it records every call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArguments, readBody, sendJson, sendText, tokenOf } from './http';
import * as chat from './methods/chat';
import { authTest, conversationsInfo, usergroupsUsersList, usersInfo } from './methods/directory';
import { completeUploadExternal, getUploadURLExternal, receiveUpload } from './methods/files';
import * as views from './methods/views';
import { RateLimiter, SLACK_POSTING_LIMIT, type RateLimitRule } from './rate-limits';
import { ResponseUrls } from './response-url';
import type {
  ApiAnswer,
  FakeFile,
  FakeMessage,
  FakeView,
  Json,
  RecordedCall,
  ResponseTarget,
  SlackChannel,
  SlackUser,
} from './types';
import { fail, FAKE_BOT, FAKE_BOT_TOKEN, FAKE_TEAM, jsonArgument, stringArg, Workspace } from './workspace';

export interface FakeSlackOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** true applies Slack's posting limit (about 1 per second per channel, bursts of 3); or give your own. */
  rateLimits?: boolean | RateLimitRule;
  /** Tokens the fake accepts; anything else is `invalid_auth`. Default: FAKE_BOT_TOKEN. */
  tokens?: string[];
}

export interface FakeSlack {
  /** Web API base URL, ending in `/api/` as Bolt's slackApiUrl requires. */
  url: string;
  botToken: string;
  botUserId: string;
  teamId: string;
  calls: RecordedCall[];
  messages: FakeMessage[];
  files: FakeFile[];
  views: FakeView[];
  on: Workspace['on'];
  /** A URL on this server that behaves as the `response_url` of an interaction. */
  responseUrl(target: ResponseTarget): string;
  /** A trigger_id for views.open/push, valid 3 seconds; pass the modal it came from for views.push. */
  triggerId(viewId?: string): string;
  setUserGroup(id: string, users: string[]): void;
  setUser(user: Partial<SlackUser> & { id: string }): void;
  setChannel(channel: Partial<SlackChannel> & { id: string }): void;
  /** Every later call of `method` answers `{ ok: false, error }`; undefined makes it work again. */
  failMethod(method: string, error: string | undefined): void;
  /** The next `times` calls of `method` answer 429 `ratelimited`, whether rate limits are on or not. */
  forceRateLimit(method: string, retryAfterSeconds?: number, times?: number): void;
  /** The person closed this modal (it leaves the view stack). */
  closeView(viewId: string): void;
  stop(): Promise<void>;
}

type Method = (ws: Workspace, args: Json, origin: string) => ApiAnswer;

const METHODS: Record<string, Method> = {
  'auth.test': authTest,
  'chat.postMessage': chat.postMessage,
  'chat.update': chat.update,
  'chat.postEphemeral': chat.postEphemeral,
  'chat.delete': chat.deleteMessage,
  'views.open': views.open,
  'views.update': views.update,
  'views.push': views.push,
  'views.publish': views.publish,
  'files.getUploadURLExternal': getUploadURLExternal,
  'files.completeUploadExternal': completeUploadExternal,
  'usergroups.users.list': usergroupsUsersList,
  'users.info': usersInfo,
  'conversations.info': conversationsInfo,
};

// Arguments Slack takes as JSON; form-encoded calls send them as strings. Decoded here so recorded
// calls show the structure; a string that is not JSON stays as sent and the method refuses it.
const JSON_ARGUMENTS = ['blocks', 'attachments', 'view', 'files', 'metadata'];

function decodeJsonArguments(args: Json): Json {
  const decoded = { ...args };
  for (const name of JSON_ARGUMENTS) {
    if (typeof decoded[name] !== 'string') continue;
    const parsed = jsonArgument(decoded[name]);
    if ('value' in parsed) decoded[name] = parsed.value;
  }
  return decoded;
}

function rateLimitRule(option: FakeSlackOptions['rateLimits']): RateLimitRule | undefined {
  if (option === true) return SLACK_POSTING_LIMIT;
  return option || undefined;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const ws = new Workspace();
  const limiter = new RateLimiter(rateLimitRule(options.rateLimits));
  const responses = new ResponseUrls(ws);
  const tokens = new Set(options.tokens ?? [FAKE_BOT_TOKEN]);
  let origin = '';

  async function callMethod(
    req: IncomingMessage,
    method: string,
    query: URLSearchParams,
  ): Promise<ApiAnswer> {
    const parsed = await parseArguments(req.headers, await readBody(req), query);
    if ('error' in parsed) return fail(parsed.error);
    const token = tokenOf(req.headers, parsed.args);
    const body = decodeJsonArguments(parsed.args);
    delete body.token;
    ws.calls.push({ method, body, token, at: new Date(ws.now()) });
    if (!Object.hasOwn(METHODS, method)) return fail('unknown_method', { req_method: method });
    if (!token) return fail('not_authed');
    if (!tokens.has(token)) return fail('invalid_auth');
    const injected = ws.methodErrors.get(method);
    if (injected) return fail(injected);
    const retryAfter = limiter.check(method, stringArg(body, 'channel'));
    if (retryAfter !== undefined) {
      return {
        status: 429,
        body: { ok: false, error: 'ratelimited' },
        headers: { 'retry-after': String(retryAfter) },
      };
    }
    return METHODS[method](ws, body, origin);
  }

  async function respondTo(req: IncomingMessage, id: string, query: URLSearchParams): Promise<ApiAnswer> {
    const parsed = await parseArguments(req.headers, await readBody(req), query);
    if ('error' in parsed) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    ws.calls.push({ method: 'response_url', body: parsed.args, at: new Date(ws.now()) });
    return responses.receive(id, parsed.args);
  }

  function serveFile(res: ServerResponse, fileId: string): void {
    const file = ws.files.find((f) => f.id === fileId && f.bytes);
    if (!file?.bytes) return sendText(res, 404, 'file_not_found');
    res.writeHead(200, { 'content-type': file.mimetype, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const [, root, a, b] = url.pathname.split('/');
    if (root === 'api' && a) {
      const answer = await callMethod(req, a, url.searchParams);
      return sendJson(res, answer.status, answer.body, answer.headers);
    }
    if (req.method === 'POST' && root === 'upload' && a === 'v1' && b) {
      const upload = await receiveUpload(ws, b, req.headers, await readBody(req));
      return sendText(res, upload.status, upload.text);
    }
    if (req.method === 'POST' && root === 'response' && a) {
      const answer = await respondTo(req, a, url.searchParams);
      return sendJson(res, answer.status, answer.body);
    }
    if (req.method === 'GET' && root === 'files-pri' && a)
      return serveFile(res, a.slice(FAKE_TEAM.id.length + 1));
    if (req.method === 'GET' && root === 'files' && b) return serveFile(res, b);
    sendText(res, 404, `The fake Slack has nothing at ${url.pathname}; Web API methods live under /api/.`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendText(res, 500, `fake Slack failed: ${String(error)}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/api/`,
    botToken: options.tokens?.[0] ?? FAKE_BOT_TOKEN,
    botUserId: FAKE_BOT.user_id,
    teamId: FAKE_TEAM.id,
    calls: ws.calls,
    messages: ws.messages,
    files: ws.files,
    views: ws.views,
    on: ws.on.bind(ws),
    responseUrl: (target) => `${origin}${responses.issue(target)}`,
    triggerId: (viewId) => views.mintTriggerId(ws, viewId),
    setUserGroup: (id, users) => void ws.userGroups.set(id, [...users]),
    setUser: (user) => ws.setUser(user),
    setChannel: (channel) => void ws.setChannel(channel),
    failMethod: (method, error) =>
      void (error ? ws.methodErrors.set(method, error) : ws.methodErrors.delete(method)),
    forceRateLimit: (method, retryAfterSeconds = 1, times = 1) =>
      limiter.force(method, retryAfterSeconds, times),
    closeView: (viewId) => {
      const view = ws.views.find((v) => v.id === viewId);
      if (view) view.closed = true;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
