import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { createAzureClients } from '../../src/azure/clients';
import { loadConfig } from '../../src/config';
import type { AzureEnvironment } from '../../src/environment';
import { createLogger } from '../../src/logger';
import { startSandbox, type Sandbox, type SandboxOptions } from '@rdp-doctor/azure-sandbox';
import { startFakeSlack, type FakeMessage, type FakeSlack, type FakeView } from '@rdp-doctor/slack-fake';
import { FAKE_BOT, interactionBody, signRequest, slashCommandBody } from '@rdp-doctor/slack-fake';
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
  /** `user` clicks the button `actionId` on a message (the channel's, or their own ephemeral one): Slack's block_actions payload. */
  click(message: FakeMessage, actionId: string, user: string): Promise<Response>;
  /** `user` submits a modal with `values` typed into its inputs (by block id): Slack's view_submission payload. */
  submit(view: FakeView, user: string, values: Record<string, string>): Promise<Response>;
  /** `user` opens the app's Home tab: Slack's `app_home_opened` event in the Events API envelope. */
  openHome(user: string): Promise<Response>;
  /** The Home tab the app last published for `user`. */
  home(user: string): FakeView | undefined;
  /**
   * `user` clicks the button `actionId` (with `value`, when several share the id) in their Home tab, as the
   * app last published it or as `seen`, a copy the user still had on screen.
   */
  clickInHome(user: string, actionId: string, value?: string, seen?: FakeView): Promise<Response>;
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
  azure: SandboxEnvironment;
  logLines: string[];
  stop(): Promise<void>;
}

export const CHANNEL = 'C0INCIDENT';

/** The button with this action id (and value, when given) anywhere in a message's or a view's blocks. */
export function findButton(
  message: { blocks?: unknown },
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

/** Slack gives a block posted without a block_id one of its own, and sends that back with a click. */
function slackBlockId(blockId: string): string {
  return blockId || randomBytes(3).toString('base64url');
}

/** Azure as the app sees it, with the sandbox behind it in full for tests to inspect. */
export type SandboxEnvironment = Omit<AzureEnvironment, 'sandbox'> & { sandbox: Sandbox };

/** A sandbox of only these scenarios' machines, and the clients the app would build for it. */
export async function scenarioAzure(
  options: SandboxOptions = {},
  timeouts?: SandboxEnvironment['timeouts'],
): Promise<SandboxEnvironment> {
  const sandbox = await startSandbox(options);
  const clients = createAzureClients({
    endpoint: sandbox.endpoint,
    subscriptionIds: [sandbox.subscriptionId],
    accessToken: sandbox.accessToken,
    caCertificate: sandbox.caCertificate,
  });
  return {
    clients,
    sandbox,
    timeouts,
    resolveHost: (host) => sandbox.resolveHost(host),
    close: () => sandbox.stop(),
  };
}

/** Slack's side of the app listening at `url` (`/slack/events`), with `fake` as its Web API. */
export function slackSide(url: string, fake: FakeSlack): SlackSide {
  const post: SlackSide['post'] = async (body, opts = {}) => {
    const signed = signRequest(SIGNING_SECRET, body, opts.timestamp);
    return fetch(url, { method: 'POST', body: signed.body, headers: { ...signed.headers, ...opts.headers } });
  };
  const user = (id: string) => ({
    id,
    username: id.toLowerCase(),
    name: id.toLowerCase(),
    team_id: fake.teamId,
  });
  const home = (userId: string) => fake.views.find((v) => v.type === 'home' && v.user === userId);
  return {
    fake,
    url,
    post,
    command: (text, who = {}, opts) => {
      const userId = who.user ?? 'U0ALICE';
      const channel = who.channel ?? CHANNEL;
      return post(
        slashCommandBody({
          command: '/rdp',
          text,
          userId,
          channelId: channel,
          teamId: fake.teamId,
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
      const thread = message.thread_ts ? { thread_ts: message.thread_ts } : {};
      return post(
        interactionBody({
          type: 'block_actions',
          user: user(userId),
          api_app_id: 'A0RDPDOCTOR',
          token: 'deprecated-verification-token',
          container: {
            type: 'message',
            message_ts: message.ts,
            channel_id: message.channel,
            is_ephemeral: message.ephemeral,
            ...thread,
          },
          trigger_id: fake.triggerId(),
          team: { id: fake.teamId, domain: 'rdp-doctor' },
          channel: { id: message.channel, name: 'incidents' },
          // Slack sends the message only for one the channel sees; an ephemeral one is the clicker's alone.
          ...(message.ephemeral
            ? {}
            : {
                message: {
                  type: 'message',
                  user: FAKE_BOT.user_id,
                  bot_id: FAKE_BOT.bot_id,
                  ts: message.ts,
                  ...thread,
                  text: message.text,
                  blocks: message.blocks,
                },
              }),
          state: { values: {} },
          response_url: fake.responseUrl({ channel: message.channel, user: userId, message_ts: message.ts }),
          actions: [
            {
              type: 'button',
              action_id: actionId,
              block_id: slackBlockId(button.block_id),
              value: button.value,
              action_ts: `${Date.now() / 1000}`,
              text: { type: 'plain_text', text: actionId },
            },
          ],
        }),
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
        interactionBody({
          type: 'view_submission',
          team: { id: fake.teamId, domain: 'rdp-doctor' },
          user: user(userId),
          api_app_id: 'A0RDPDOCTOR',
          token: 'deprecated-verification-token',
          trigger_id: fake.triggerId(view.id),
          view: {
            ...view.view,
            id: view.id,
            team_id: fake.teamId,
            state: { values: state },
            hash: view.hash,
            private_metadata: view.view.private_metadata ?? '',
            root_view_id: view.root_view_id,
            previous_view_id: view.previous_view_id,
            clear_on_close: false,
            notify_on_close: false,
            external_id: '',
            app_id: FAKE_BOT.app_id,
            app_installed_team_id: fake.teamId,
            bot_id: FAKE_BOT.bot_id,
          },
          response_urls: [],
          is_enterprise_install: false,
        }),
      );
    },
    openHome: (userId) => {
      const now = Date.now() / 1000;
      const published = home(userId);
      // The Events API envelope (a JSON body), with the Home view Slack last showed this user, if any.
      const envelope = {
        token: 'deprecated-verification-token',
        team_id: fake.teamId,
        api_app_id: FAKE_BOT.app_id,
        event: {
          type: 'app_home_opened',
          user: userId,
          channel: `D0${userId.slice(1)}`,
          tab: 'home',
          event_ts: now.toFixed(6),
          ...(published
            ? {
                view: {
                  private_metadata: '',
                  callback_id: '',
                  external_id: '',
                  clear_on_close: false,
                  notify_on_close: false,
                  ...published.view,
                  id: published.id,
                  team_id: fake.teamId,
                  hash: published.hash,
                  root_view_id: published.root_view_id,
                  app_id: FAKE_BOT.app_id,
                  app_installed_team_id: fake.teamId,
                  bot_id: FAKE_BOT.bot_id,
                },
              }
            : {}),
        },
        type: 'event_callback',
        event_id: `Ev${Math.floor(now * 1000)
          .toString(36)
          .toUpperCase()}`,
        event_time: Math.floor(now),
        authorizations: [
          {
            enterprise_id: null,
            team_id: fake.teamId,
            user_id: FAKE_BOT.user_id,
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
      };
      return post(JSON.stringify(envelope), { headers: { 'content-type': 'application/json' } });
    },
    home,
    clickInHome: (userId, actionId, value, seen) => {
      const view = seen ?? home(userId);
      if (!view) throw new Error(`no Home tab published for ${userId}`);
      const button = findButton(view.view, actionId, value);
      if (!button) throw new Error(`no button ${actionId} ${value ?? ''} in the Home tab of ${userId}`);
      // A click in a Home tab carries the view, and neither a channel nor a response_url.
      return post(
        interactionBody({
          type: 'block_actions',
          team: { id: fake.teamId, domain: 'rdp-doctor' },
          user: user(userId),
          api_app_id: FAKE_BOT.app_id,
          token: 'deprecated-verification-token',
          container: { type: 'view', view_id: view.id },
          trigger_id: fake.triggerId(),
          view: {
            id: view.id,
            team_id: fake.teamId,
            type: 'home',
            blocks: view.view.blocks ?? [],
            private_metadata: view.view.private_metadata ?? '',
            callback_id: view.view.callback_id ?? '',
            state: { values: {} },
            hash: view.hash,
            title: { type: 'plain_text', text: 'rdp-doctor', emoji: true },
            clear_on_close: false,
            notify_on_close: false,
            close: null,
            submit: null,
            previous_view_id: null,
            root_view_id: view.root_view_id,
            app_id: FAKE_BOT.app_id,
            external_id: view.view.external_id ?? '',
            app_installed_team_id: fake.teamId,
            bot_id: FAKE_BOT.bot_id,
          },
          actions: [
            {
              action_id: actionId,
              block_id: slackBlockId(button.block_id),
              text: { type: 'plain_text', text: actionId, emoji: true },
              value: button.value,
              type: 'button',
              action_ts: `${Date.now() / 1000}`,
            },
          ],
        }),
      );
    },
    shortcut: (message, userId, callbackId) =>
      post(
        interactionBody({
          type: 'message_action',
          token: 'deprecated-verification-token',
          action_ts: `${Date.now() / 1000}`,
          team: { id: fake.teamId, domain: 'rdp-doctor' },
          user: user(userId),
          channel: { id: message.channel, name: 'incidents' },
          is_enterprise_install: false,
          enterprise: null,
          callback_id: callbackId,
          trigger_id: fake.triggerId(),
          response_url: fake.responseUrl({ channel: message.channel, user: userId }),
          message_ts: message.ts,
          message: {
            type: 'message',
            text: message.text,
            user: message.user,
            ts: message.ts,
            ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
            team: fake.teamId,
          },
        }),
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
  azure?: SandboxEnvironment;
  /** Shared with other harnesses, like `azure`. */
  fake?: FakeSlack;
  /** How long an execution lease lasts between heartbeats before any replica calls it interrupted. */
  executionLeaseMs?: number;
  /** How long a user group's members read from Slack are trusted. */
  approverGroupTtlMs?: number;
  /** When the watch ticks, as cron (default every minute). */
  watchTick?: string;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeSlack());
  const azure = options.azure ?? (await scenarioAzure());
  const dataDir = mkdtempSync(join(tmpdir(), 'rdp-doctor-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...options.env });
  const logLines: string[] = [];
  const logger = createLogger(config.LOG_LEVEL, { write: (line: string) => void logLines.push(line) });
  const app = await startApp({
    config,
    logger,
    azure,
    store: options.store,
    executionLeaseMs: options.executionLeaseMs,
    approverGroupTtlMs: options.approverGroupTtlMs,
    watchTick: options.watchTick,
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
