import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../../src/app';
import { createAzureClients } from '../../src/azure/clients';
import { loadConfig } from '../../src/config';
import { openSandboxAzure, type AzureEnvironment } from '../../src/environment';
import { startSandbox, type SandboxOptions } from '../../src/sandbox/server';
import { startFakeSlack, type FakeMessage, type FakeSlack, type FakeView } from '../../src/slack/fake';
import { interactionBody, signRequest } from '../../src/slack/fake/inbound';
import {
  appHomeOpenedEvent,
  homeButtonClick,
  messageButtonClick,
  messageShortcut,
  modalSubmission,
  slashCommand,
} from '../fixtures/slack/payloads';
import type { Store } from '../../src/store';

// The real Bolt app over HTTP, the fake Slack Web API, the sandbox Azure and a store on a temp dir:
// tests send requests exactly as Slack would and read what reached "Slack".

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

type RequestOptions = { timestamp?: number; headers?: Record<string, string> };

/** Slack's side of one app: the requests Slack sends it, signed, and what the fake Slack then holds. */
export interface SlackSide {
  fake: FakeSlack;
  /** The app's `/slack/events`. */
  url: string;
  command(
    text: string,
    who?: { user?: string; channel?: string },
    options?: RequestOptions,
  ): Promise<Response>;
  post(body: string, options?: RequestOptions): Promise<Response>;
  interact(payload: object): Promise<Response>;
  /** `user` clicks the button `actionId` on a channel message: Slack's block_actions payload. */
  click(message: FakeMessage, actionId: string, user: string): Promise<Response>;
  /** `user` submits a modal with `values` typed into its inputs (by block id): Slack's view_submission payload. */
  submit(view: FakeView, user: string, values: Record<string, string>): Promise<Response>;
  /** `user` opens the app's Home tab: Slack's `app_home_opened` event. */
  openHome(user: string): Promise<Response>;
  /** The Home tab the app last published for `user`. */
  home(user: string): FakeView | undefined;
  /** `user` clicks the button `actionId` (with `value`, when several share the id) in their Home tab. */
  clickInHome(user: string, actionId: string, value?: string): Promise<Response>;
  /** `user` runs the message shortcut `callbackId` on `message`: Slack's message_action payload. */
  shortcut(
    message: { ts: string; text: string; user: string; channel: string; thread_ts?: string },
    user: string,
    callbackId: string,
  ): Promise<Response>;
  /** Channel messages (not ephemeral) in `channel`, top level. */
  channelMessages(channel?: string): FakeMessage[];
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
}

export interface Harness extends SlackSide {
  app: RunningApp;
  azure: AzureEnvironment;
  logLines: string[];
  stop(): Promise<void>;
}

export const CHANNEL = 'C0INCIDENT';

/** The button with this action id anywhere in a message's blocks. */
export function findButton(
  message: { blocks?: unknown[] },
  actionId: string,
  value?: string,
): { action_id: string; value?: string; block_id: string } | undefined {
  const walk = (
    node: unknown,
    blockId: string,
  ): { action_id: string; value?: string; block_id: string } | undefined => {
    if (Array.isArray(node)) return node.map((item) => walk(item, blockId)).find(Boolean);
    if (!node || typeof node !== 'object') return undefined;
    const record = node as Record<string, unknown>;
    const id = typeof record.block_id === 'string' ? record.block_id : blockId;
    if (
      record.type === 'button' &&
      record.action_id === actionId &&
      (value === undefined || record.value === value)
    ) {
      return { action_id: actionId, value: record.value as string | undefined, block_id: id };
    }
    return Object.values(record)
      .map((value) => walk(value, id))
      .find(Boolean);
  };
  return walk(message.blocks, '');
}

/** A sandbox of only these scenarios' machines, and the clients the app would build for it. */
export async function scenarioAzure(options: SandboxOptions): Promise<AzureEnvironment> {
  const sandbox = await startSandbox(options);
  const clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
  });
  return { clients, sandbox, resolveHost: (host) => sandbox.resolveHost(host), close: () => sandbox.stop() };
}

/** Slack's side of the app listening at `url` (`/slack/events`), with `fake` as its Web API. */
export function slackSide(url: string, fake: FakeSlack): SlackSide {
  const post: SlackSide['post'] = async (body, opts = {}) => {
    const signed = signRequest(SIGNING_SECRET, body, opts.timestamp);
    return fetch(url, { method: 'POST', body: signed.body, headers: { ...signed.headers, ...opts.headers } });
  };
  const home = (userId: string) => fake.views.find((v) => v.type === 'home' && v.user === userId);
  return {
    fake,
    url,
    post,
    command: (text, who = {}, opts) => {
      const userId = who.user ?? 'U0ALICE';
      const channel = who.channel ?? CHANNEL;
      return post(
        slashCommand({
          teamId: fake.teamId,
          channel,
          user: userId,
          command: '/rdp',
          text,
          responseUrl: fake.responseUrl({ channel, user: userId }),
          triggerId: fake.triggerId(),
        }),
        opts,
      );
    },
    interact: (payload) => post(interactionBody(payload)),
    click: (message, actionId, userId) => {
      const button = findButton(message, actionId);
      if (!button) throw new Error(`no button ${actionId} on message ${message.ts}`);
      return post(
        interactionBody(
          messageButtonClick({
            teamId: fake.teamId,
            user: userId,
            channel: message.channel,
            message,
            button,
            responseUrl: fake.responseUrl({ channel: message.channel, user: userId, message_ts: message.ts }),
            triggerId: fake.triggerId(),
          }),
        ),
      );
    },
    submit: (view, userId, values) => {
      const blocks = (view.view.blocks ?? []) as {
        type: string;
        block_id?: string;
        element?: { type: string; action_id: string };
      }[];
      const state = Object.fromEntries(
        blocks
          .filter((block) => block.type === 'input' && block.block_id && block.element)
          .map((block) => [
            block.block_id,
            {
              [block.element!.action_id]: {
                type: block.element!.type,
                value: values[block.block_id!] ?? null,
              },
            },
          ]),
      );
      return post(
        interactionBody(
          modalSubmission({
            teamId: fake.teamId,
            user: userId,
            triggerId: fake.triggerId(view.id),
            view: {
              ...view.view,
              id: view.id,
              hash: view.hash,
              root_view_id: view.root_view_id,
              previous_view_id: view.previous_view_id,
            },
            values: state as Record<string, Record<string, Record<string, unknown>>>,
          }),
        ),
      );
    },
    openHome: (userId) =>
      post(
        appHomeOpenedEvent({ teamId: fake.teamId, user: userId, tab: 'home', botUserId: fake.botUserId }),
        {
          headers: { 'content-type': 'application/json' },
        },
      ),
    home,
    clickInHome: (userId, actionId, value) => {
      const view = home(userId);
      if (!view) throw new Error(`no Home tab published for ${userId}`);
      const blocks = (view.view.blocks ?? []) as unknown[];
      const button = findButton({ blocks }, actionId, value);
      if (!button) throw new Error(`no button ${actionId} ${value ?? ''} in the Home tab of ${userId}`);
      return post(
        interactionBody(
          homeButtonClick({
            teamId: fake.teamId,
            user: userId,
            view: { id: view.id, hash: view.hash, blocks },
            button,
            triggerId: fake.triggerId(),
          }),
        ),
      );
    },
    shortcut: (message, userId, callbackId) =>
      post(
        interactionBody(
          messageShortcut({
            teamId: fake.teamId,
            user: userId,
            channel: message.channel,
            callbackId,
            message: {
              ts: message.ts,
              text: message.text,
              user: message.user,
              ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
            },
            responseUrl: fake.responseUrl({ channel: message.channel, user: userId }),
            triggerId: fake.triggerId(),
          }),
        ),
      ),
    channelMessages: (channel = CHANNEL) =>
      fake.messages.filter((m) => m.channel === channel && !m.ephemeral && !m.thread_ts && !m.deleted),
    waitFor: async (probe, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('waitFor: timed out');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

export interface HarnessOptions {
  env?: Record<string, string>;
  store?: Store;
  /** Shared with other harnesses (several replicas of one app); the owner stops it. */
  azure?: AzureEnvironment;
  /** Shared with other harnesses, like `azure`. */
  fake?: FakeSlack;
  /** How long an execution may run before a restart treats it as interrupted. */
  executionLeaseMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeSlack());
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
    executionLeaseMs: options.executionLeaseMs,
    slack: { botToken: fake.botToken, signingSecret: SIGNING_SECRET, apiUrl: fake.url },
  });
  return {
    ...slackSide(`http://127.0.0.1:${app.slack.port}/slack/events`, fake),
    app,
    azure,
    logLines,
    stop: async () => {
      await app.stop();
      if (!options.fake) await fake.stop();
      if (!options.azure) await azure.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
