import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { openSandboxAzure, type AzureEnvironment } from '../../src/environment';
import type { SlackContext } from '../../src/slack/context';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../../src/slack/fake';
import { interactionBody, signRequest, slashCommandBody } from '../../src/slack/fake/inbound';
import type { Store } from '../../src/store';

// The real Bolt app over HTTP, the fake Slack Web API, the sandbox Azure and a store on a temp dir:
// tests send requests exactly as Slack would and read what reached "Slack".

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface Harness {
  app: RunningApp;
  fake: FakeSlack;
  azure: AzureEnvironment;
  url: string;
  logLines: string[];
  command(text: string, who?: { user?: string; channel?: string }, options?: { timestamp?: number; headers?: Record<string, string> }): Promise<Response>;
  post(body: string, options?: { timestamp?: number; headers?: Record<string, string> }): Promise<Response>;
  interact(payload: object): Promise<Response>;
  /** Channel messages (not ephemeral) in `channel`, top level. */
  channelMessages(channel?: string): FakeMessage[];
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export const CHANNEL = 'C0INCIDENT';

const noDigests: SlackContext['digests'] = {
  command: async ({ respond }) => respond({ text: 'digests are covered by their own tests', blocks: [] }),
};

export async function startHarness(options: { env?: Record<string, string>; store?: Store; azure?: AzureEnvironment } = {}): Promise<Harness> {
  const fake = await startFakeSlack();
  const azure = options.azure ?? (await openSandboxAzure());
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env });
  const logLines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  const app = await startApp({
    config,
    logger,
    azure,
    store: options.store,
    slack: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.url },
    digests: () => noDigests,
  });
  const url = `http://127.0.0.1:${app.slack.port}/slack/events`;
  const post: Harness['post'] = async (body, opts = {}) => {
    const signed = signRequest(SIGNING_SECRET, body, opts.timestamp);
    return fetch(url, { method: 'POST', body: signed.body, headers: { ...signed.headers, ...opts.headers } });
  };
  return {
    app,
    fake,
    azure,
    url,
    logLines,
    post,
    command: (text, who = {}, opts) => {
      const user = who.user ?? 'U0ALICE';
      const channel = who.channel ?? CHANNEL;
      return post(
        slashCommandBody({
          command: '/rdp',
          text,
          userId: user,
          channelId: channel,
          teamId: fake.teamId,
          responseUrl: fake.responseUrl({ channel, user }),
          triggerId: fake.triggerId(),
        }),
        opts,
      );
    },
    interact: (payload) => post(interactionBody(payload)),
    channelMessages: (channel = CHANNEL) => fake.messages.filter((m) => m.channel === channel && !m.ephemeral && !m.thread_ts && !m.deleted),
    waitFor: async (probe, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('waitFor: timed out');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    stop: async () => {
      await app.stop();
      await fake.stop();
      if (!options.azure) await azure.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
