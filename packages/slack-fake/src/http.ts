// Reading Web API requests the ways @slack/web-api and Bolt send them: form-encoded (WebClient),
// JSON (respond(), curl), multipart; the token in `Authorization: Bearer …` or a `token` argument.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from './types';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The call's arguments (query string and body merged), or the Slack error for a body it cannot read. */
export async function parseArguments(
  headers: IncomingHttpHeaders,
  body: Buffer,
  query: URLSearchParams,
): Promise<{ args: Json } | { error: 'invalid_json' | 'invalid_form_data' }> {
  const args: Json = Object.fromEntries(query);
  if (body.length === 0) return { args };
  const contentType = headers['content-type'] ?? '';
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return { error: 'invalid_json' };
      return { args: { ...args, ...(parsed as Json) } };
    } catch {
      return { error: 'invalid_json' };
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    try {
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': contentType },
      }).formData();
      for (const [key, value] of form.entries()) if (typeof value === 'string') args[key] = value;
      return { args };
    } catch {
      return { error: 'invalid_form_data' };
    }
  }
  return { args: { ...args, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) } };
}

export function tokenOf(headers: IncomingHttpHeaders, args: Json): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (match) return match[1];
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: Json,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
