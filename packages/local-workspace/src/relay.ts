import {
  FAKE_BOT,
  FAKE_TEAM,
  interactionBody,
  messageJson,
  signRequest,
  slashCommandBody,
  viewJson,
  type FakeSlack,
  type FakeView,
} from '@rdp-doctor/slack-fake';
import type { LiveFeed } from './live-feed';
import { CHANNEL, type Person } from './people';
import { blockIdOf } from './render/block-kit';

// What the page does, turned into the requests Slack sends an app: a slash command's form fields, a
// `block_actions` payload, a `view_submission` payload, each for the person the page says it is, with a
// response_url and trigger_id from the fake Slack, signed with the signing secret and POSTed to the
// app's /slack/events. Everything is read back from what the app sent (the message, the modal), so the
// page only says which control was used.

type Json = Record<string, unknown>;

/** What the page gets back: 200 with what happened, or an error status with a sentence saying why. */
export interface RelayAnswer {
  status: number;
  body: Json;
}

export interface ActionRequest {
  /** The message holding the control. */
  ts: string;
  blockId: string;
  actionId: string;
  /** The option chosen, for a select. */
  selected?: string;
}

export interface ViewSubmission {
  viewId: string;
  /** What the person typed or chose, by block id and action id. */
  values: Record<string, Record<string, string>>;
}

export interface RelayDependencies {
  fake: FakeSlack;
  feed: LiveFeed;
  signingSecret: string;
  /** The app's `/slack/events`, known once its server listens. */
  eventsUrl(): string;
}

const REQUIRED = 'Please complete this required field.';

function refuse(status: number, error: string): RelayAnswer {
  return { status, body: { ok: false, error } };
}

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

/** The interactive element `actionId` in block `blockId`: in an actions block, or a section's accessory. */
function findElement(blocks: readonly unknown[], blockId: string, actionId: string): Json | undefined {
  const block = list(blocks).find((b, i) => blockIdOf(b, i) === blockId);
  if (!block) return undefined;
  const elements = block.type === 'section' ? [record(block.accessory)] : list(block.elements);
  return elements.find((e) => e.action_id === actionId);
}

function options(element: Json): Json[] {
  return [...list(element.options), ...list(element.option_groups).flatMap((group) => list(group.options))];
}

export class SlackRelay {
  constructor(private readonly deps: RelayDependencies) {}

  /** What was typed in the composer: `/rdp …` goes to the app, plain text is posted as the person's message. */
  async typed(person: Person, text: string): Promise<RelayAnswer> {
    const command = /^\/(\S+)\s*([\s\S]*)$/.exec(text.trim());
    if (!command) {
      if (text.trim() === '') return refuse(400, 'Type a message, or /rdp help.');
      this.deps.feed.postTyped(person, text.trim());
      return { status: 200, body: { ok: true } };
    }
    if (command[1] !== 'rdp') {
      return refuse(400, `/${command[1]} is not a command in this workspace: only /rdp is installed.`);
    }
    const { fake } = this.deps;
    const body = slashCommandBody({
      command: '/rdp',
      text: command[2].trim(),
      userId: person.id,
      userName: person.name,
      channelId: CHANNEL.id,
      channelName: CHANNEL.name,
      teamId: fake.teamId,
      responseUrl: fake.responseUrl({ channel: CHANNEL.id, user: person.id }),
      triggerId: this.trigger(person),
    });
    return this.deliver(body, '/rdp');
  }

  /** A click on a button, or an option chosen in a select, on a message: Slack's `block_actions`. */
  async action(person: Person, request: ActionRequest): Promise<RelayAnswer> {
    const { fake } = this.deps;
    const message = fake.messages.find(
      (m) =>
        m.channel === CHANNEL.id &&
        m.ts === request.ts &&
        !m.deleted &&
        (!m.ephemeral || m.user === person.id),
    );
    if (!message) return refuse(404, 'That message is no longer there.');
    const element = findElement(message.blocks ?? [], request.blockId, request.actionId);
    if (!element) return refuse(404, 'That control is no longer on the message.');
    const action = this.actionOf(element, request);
    if (!action) return refuse(400, 'That option is not one the select offers.');
    const thread = message.thread_ts ? { thread_ts: message.thread_ts } : {};
    const payload = {
      type: 'block_actions',
      user: this.user(person),
      api_app_id: FAKE_BOT.app_id,
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: CHANNEL.id,
        is_ephemeral: message.ephemeral,
        ...thread,
      },
      trigger_id: this.trigger(person),
      team: { id: fake.teamId, domain: FAKE_TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: CHANNEL.id, name: CHANNEL.name },
      // Slack sends the message along only when it is not ephemeral.
      ...(message.ephemeral ? {} : { message: messageJson(message) }),
      state: { values: {} },
      response_url: fake.responseUrl({ channel: CHANNEL.id, user: person.id, message_ts: message.ts }),
      actions: [action],
    };
    return this.deliver(interactionBody(payload), 'that click');
  }

  /** The modal's submit button: Slack's `view_submission`, and what the app's answer does to the modal. */
  async submit(person: Person, submission: ViewSubmission): Promise<RelayAnswer> {
    const view = this.ownedView(person, submission.viewId);
    if (!view) return refuse(404, 'That modal is no longer open.');
    const { values, missing } = this.stateValues(view, submission.values);
    // Slack's client holds back a submission with an empty required field; the app never sees it.
    if (Object.keys(missing).length > 0) return { status: 200, body: { ok: true, errors: missing } };
    const payload = {
      type: 'view_submission',
      team: { id: this.deps.fake.teamId, domain: FAKE_TEAM.domain },
      user: this.user(person),
      api_app_id: FAKE_BOT.app_id,
      token: 'deprecated-verification-token',
      trigger_id: this.trigger(person, view.id),
      view: { ...viewJson(view), state: { values } },
      response_urls: [],
      enterprise: null,
      is_enterprise_install: false,
    };
    const sent = await this.post(interactionBody(payload));
    if (sent.status !== 200)
      return refuse(502, `The app answered the submission with HTTP ${sent.status}: ${sent.text}`);
    if (sent.text.trim() === '') {
      this.deps.feed.closeView(view);
      return { status: 200, body: { ok: true, closed: true } };
    }
    const answer = record(JSON.parse(sent.text));
    if (answer.response_action === 'errors')
      return { status: 200, body: { ok: true, errors: record(answer.errors) } };
    if (answer.response_action === 'clear') {
      this.deps.fake.views
        .filter((v) => v.root_view_id === view.root_view_id && !v.closed)
        .forEach((v) => this.deps.feed.closeView(v));
      return { status: 200, body: { ok: true, closed: true } };
    }
    return refuse(
      502,
      `The app answered response_action ${String(answer.response_action)}, which this page cannot show.`,
    );
  }

  /** The modal's close button. The app's modals do not ask to hear of it (notify_on_close), so Slack tells it nothing. */
  close(person: Person, viewId: string): RelayAnswer {
    const view = this.ownedView(person, viewId);
    if (!view) return refuse(404, 'That modal is no longer open.');
    this.deps.feed.closeView(view);
    return { status: 200, body: { ok: true, closed: true } };
  }

  private actionOf(element: Json, request: ActionRequest): Json | undefined {
    const base = {
      action_id: element.action_id,
      block_id: request.blockId,
      action_ts: (Date.now() / 1000).toFixed(6),
    };
    if (element.type === 'static_select') {
      const option = options(element).find((o) => o.value === request.selected);
      return (
        option && {
          ...base,
          type: 'static_select',
          selected_option: option,
          placeholder: element.placeholder,
        }
      );
    }
    return {
      ...base,
      type: element.type,
      text: element.text,
      ...(element.value !== undefined ? { value: element.value } : {}),
      ...(element.style !== undefined ? { style: element.style } : {}),
    };
  }

  /** `view.state.values` as Slack builds it from the modal's input blocks, and the required ones left empty. */
  private stateValues(
    view: FakeView,
    typed: ViewSubmission['values'],
  ): { values: Record<string, Record<string, Json>>; missing: Record<string, string> } {
    const values: Record<string, Record<string, Json>> = {};
    const missing: Record<string, string> = {};
    list(view.view.blocks).forEach((block, index) => {
      if (block.type !== 'input') return;
      const blockId = blockIdOf(block, index);
      const element = record(block.element);
      const actionId = String(element.action_id ?? '');
      const given = record(typed[blockId])[actionId];
      const text = typeof given === 'string' ? given : '';
      if (text.trim() === '' && block.optional !== true) missing[blockId] = REQUIRED;
      values[blockId] = {
        [actionId]:
          element.type === 'static_select'
            ? { type: element.type, selected_option: options(element).find((o) => o.value === text) ?? null }
            : { type: element.type, value: text === '' ? null : text },
      };
    });
    return { values, missing };
  }

  private ownedView(person: Person, viewId: string): FakeView | undefined {
    return this.deps.fake.views.find(
      (v) => v.id === viewId && !v.closed && this.deps.feed.ownerOf(v) === person.id,
    );
  }

  private user(person: Person): Json {
    return { id: person.id, username: person.name, name: person.name, team_id: this.deps.fake.teamId };
  }

  private trigger(person: Person, viewId?: string): string {
    const id = this.deps.fake.triggerId(viewId);
    this.deps.feed.expectTrigger(id, person.id);
    return id;
  }

  private async deliver(body: string, what: string): Promise<RelayAnswer> {
    const sent = await this.post(body);
    if (sent.status === 200) return { status: 200, body: { ok: true } };
    return refuse(502, `${what} failed: the app answered HTTP ${sent.status} ${sent.text}`.trim());
  }

  private async post(body: string): Promise<{ status: number; text: string }> {
    const signed = signRequest(this.deps.signingSecret, body);
    const response = await fetch(this.deps.eventsUrl(), {
      method: 'POST',
      headers: signed.headers,
      body: signed.body,
    });
    return { status: response.status, text: await response.text() };
  }
}
