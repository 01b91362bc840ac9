import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { PageMessage, PageView } from '@rdp-doctor/local-workspace/live-feed';
import { startLocalMode, type LocalMode, type LocalModeOptions } from '../../src/local-mode';

// The local workspace on a free port and a temp DATA_DIR, and the page's side of it without a browser:
// the event stream one person's page receives, and the POSTs the page sends.

export interface TestWorkspace extends LocalMode {
  logLines: string[];
  /** POSTs JSON to the workspace as the page does. */
  post(path: string, body: object): Promise<{ status: number; body: Record<string, unknown> }>;
  /** The event stream a page connected as `user` receives. */
  events(user: string): Promise<EventStream>;
}

export async function startTestWorkspace(options: LocalModeOptions = {}): Promise<TestWorkspace> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-local-'));
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  const workspace = await startLocalMode(config, logger, options);
  const base = `http://127.0.0.1:${workspace.port}`;
  const streams: EventStream[] = [];
  return {
    ...workspace,
    logLines,
    post: async (path, body) => {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    events: async (user) => {
      const stream = await EventStream.open(`${base}/local/events?as=${user}`);
      streams.push(stream);
      return stream;
    },
    stop: async () => {
      streams.forEach((s) => s.close());
      await workspace.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServerEvent {
  event: string;
  data: unknown;
}

/** A server-sent event stream read with fetch, keeping every event in order. */
export class EventStream {
  readonly events: ServerEvent[] = [];
  private constructor(private readonly abort: AbortController) {}

  static async open(url: string): Promise<EventStream> {
    const abort = new AbortController();
    const stream = new EventStream(abort);
    const response = await fetch(url, { signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`event stream ${url} answered ${response.status}`);
    void stream.read(response.body.getReader());
    await stream.waitFor((e) => e.event === 'hello');
    return stream;
  }

  /** Every message event so far: each version of each message, in order. */
  messages(): PageMessage[] {
    const hello = this.events.find((e) => e.event === 'hello')?.data as
      { messages: PageMessage[] } | undefined;
    const pushed = this.events.filter((e) => e.event === 'message').map((e) => e.data as PageMessage);
    return [...(hello?.messages ?? []), ...pushed];
  }

  /** The latest version of each message still shown, by id. */
  current(): Map<string, PageMessage> {
    const shown = new Map<string, PageMessage>();
    const hello = this.events.find((e) => e.event === 'hello')?.data as
      { messages: PageMessage[] } | undefined;
    for (const m of hello?.messages ?? []) shown.set(m.id, m);
    for (const e of this.events) {
      if (e.event === 'message') shown.set((e.data as PageMessage).id, e.data as PageMessage);
      if (e.event === 'remove') shown.delete((e.data as { id: string }).id);
    }
    return shown;
  }

  views(): PageView[] {
    return this.events.filter((e) => e.event === 'view').map((e) => e.data as PageView);
  }

  async waitFor(probe: (event: ServerEvent) => boolean, timeoutMs = 30_000, from = 0): Promise<ServerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(probe);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Resolves once `quietMs` pass with no new event: whatever the app was posting has been posted. */
  async settled(quietMs = 500, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (seen !== this.events.length) {
      if (Date.now() > deadline) throw new Error('the event stream never went quiet');
      seen = this.events.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1];
          const data = /^data: (.*)$/m.exec(chunk)?.[1];
          if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // The stream ends when the test closes it or the workspace stops; the events read so far stay.
    }
  }
}

/** The controls drawn in some HTML, as the page finds them. */
export function controlsIn(html: string): { blockId: string; actionId: string }[] {
  return [...html.matchAll(/data-block-id="([^"]*)" data-action-id="([^"]*)"/g)].map((m) => ({
    blockId: unescapeAttribute(m[1]),
    actionId: unescapeAttribute(m[2]),
  }));
}

function unescapeAttribute(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
