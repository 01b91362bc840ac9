import type http from 'node:http';
import { HTTPModuleFunctions, defaultBodyLimit } from '@slack/bolt';
import type { Logger } from '../../logger';
import { checkPayloadShape } from './payload-shape';
import { checkSlackSignature } from './signature';

// `POST /slack/events` before Bolt sees it, in the order that keeps strangers out of the store: read the
// body (bounded), check the signature and timestamp (no I/O), check the body's shape, and only then mark
// the signature as seen (the store's replay lease) and hand the request to Bolt. Whatever fails answers
// with a status and a reason, and nothing of it is stored.

export interface EventsEndpointDeps {
  signingSecret: string;
  logger: Logger;
  /** Marks a signature as seen; false when it was seen before (a replay). */
  firstSighting(signature: string): Promise<boolean>;
  /** Bolt's HTTP receiver, which reads the buffered body from `rawBody`. */
  dispatch(req: http.IncomingMessage, res: http.ServerResponse): void;
  now?: () => number;
}

function refuse(res: http.ServerResponse, status: number, error: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: false, error }));
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.destroy();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The same parse Bolt applies (form `payload` as JSON, other forms as fields, else JSON), or why it fails. */
function parseLikeBolt(req: http.IncomingMessage, rawBody: Buffer): { body: unknown } | { error: string } {
  try {
    return {
      body: HTTPModuleFunctions.parseHTTPRequestBody({
        rawBody,
        headers: req.headers,
      } as unknown as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]) as unknown,
    };
  } catch (error) {
    return { error: `the body could not be parsed: ${(error as Error).message.slice(0, 120)}` };
  }
}

function isSslCheck(req: http.IncomingMessage, rawBody: Buffer): boolean {
  return (
    req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
    new URLSearchParams(rawBody.toString()).get('ssl_check') === '1'
  );
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, deps: EventsEndpointDeps) {
  let rawBody: Buffer;
  try {
    rawBody = await readBody(req, defaultBodyLimit);
  } catch (error) {
    if (error instanceof BodyTooLarge) return refuse(res, 413, 'body too large');
    throw error;
  }
  // Slack's certificate probe is unsigned by design and carries nothing to act on.
  if (isSslCheck(req, rawBody)) {
    res.writeHead(200);
    res.end();
    return;
  }

  const signed = checkSlackSignature({
    signingSecret: deps.signingSecret,
    headers: req.headers,
    body: rawBody,
    nowMs: (deps.now ?? Date.now)(),
  });
  if (!signed.ok) {
    deps.logger.warn({ reason: signed.reason }, 'refused an unsigned Slack request');
    return refuse(res, 401, signed.reason);
  }
  const parsed = parseLikeBolt(req, rawBody);
  const shape =
    'error' in parsed ? { ok: false as const, reason: parsed.error } : checkPayloadShape(parsed.body);
  if (!shape.ok) {
    deps.logger.warn({ reason: shape.reason }, 'refused a malformed Slack request');
    return refuse(res, 400, shape.reason);
  }
  if (!(await deps.firstSighting(signed.signature))) {
    deps.logger.warn('refused a replayed Slack request');
    return refuse(res, 401, 'replayed request');
  }
  Object.assign(req, { rawBody });
  deps.dispatch(req, res);
}

/** Handles one request to `/slack/events`; never rejects: a fault answers 503 or 500 and is logged. */
export function serveSlackEvents(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  deps: EventsEndpointDeps,
): void {
  handle(req, res, deps).catch((error: unknown) => {
    deps.logger.error({ err: error }, 'a Slack request failed before Bolt; refusing it');
    refuse(res, 503, 'the request could not be checked; Slack will retry');
  });
}
