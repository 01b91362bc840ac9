import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FAKE_BOT,
  type FakeFile,
  type FakeMessage,
  type FakeSlack,
  type FakeView,
} from '@rdp-doctor/slack-fake';
import { CHANNEL, displayNames, PEOPLE, type Person } from './people';
import { BlockKitRenderer } from './render/block-kit';
import { messageBodyHtml, modalHtml } from './render/surfaces';

// What the page shows, pushed as it happens over server-sent events: every message the app posts or
// updates in the channel (ephemeral ones only to the person they were sent to), what people type, and
// the modals each person opened. Each page connects as one person; switching person reconnects.

/** A message as the page places it: the server drew its body, the page adds the author line. */
export interface PageMessage {
  /** Unique on the page: the Slack ts for the app's messages, `local-<n>` for what people type. */
  id: string;
  ts: string;
  threadTs: string | null;
  /** Top level, or a thread reply also sent to the channel (`reply_broadcast`). */
  inChannel: boolean;
  ephemeral: boolean;
  edited: boolean;
  author: { id: string; name: string; bot: boolean };
  html: string;
}

export interface PageView {
  id: string;
  callbackId: string;
  html: string;
}

interface Viewer {
  user: string;
  res: ServerResponse;
}

interface TypedMessage {
  id: string;
  ts: string;
  person: Person;
  text: string;
}

const KEEPALIVE_MS = 20_000;

/** Slack's client escapes what people type before it becomes mrkdwn, so `<@U…>` typed by hand is text. */
function escapeTyped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export class LiveFeed {
  private readonly renderer = new BlockKitRenderer({
    users: displayNames(),
    channels: { [CHANNEL.id]: CHANNEL.name },
  });
  private readonly viewers = new Set<Viewer>();
  private readonly typed: TypedMessage[] = [];
  /** Thread replies posted with `reply_broadcast`, which the channel shows as well. */
  private readonly broadcast = new Set<string>();
  /** Who each trigger_id the relay minted belongs to: a modal opened with it is theirs. */
  private readonly triggerOwners = new Map<string, string>();
  /** Who each modal stack (by root view id) belongs to. */
  private readonly viewOwners = new Map<string, string>();
  private readonly unsubscribe: (() => void)[];
  private readonly keepalive: NodeJS.Timeout;

  constructor(private readonly fake: FakeSlack) {
    this.unsubscribe = [
      fake.on('message_posted', (m) => this.posted(m)),
      fake.on('ephemeral_posted', (m) => this.publishMessage(m)),
      fake.on('message_updated', (m) => this.publishMessage(m)),
      fake.on('message_deleted', (m) => this.send('remove', { id: m.ts }, m.ephemeral ? m.user : undefined)),
      fake.on('view_opened', (v) => this.opened(v)),
      fake.on('view_pushed', (v) => this.opened(v)),
      fake.on('view_updated', (v) => this.publishView(v)),
    ];
    this.keepalive = setInterval(
      () => this.viewers.forEach((v) => v.res.write(': keepalive\n\n')),
      KEEPALIVE_MS,
    );
    this.keepalive.unref();
  }

  /** The relay minted this trigger_id for `user`'s interaction. */
  expectTrigger(triggerId: string, user: string): void {
    this.triggerOwners.set(triggerId, user);
  }

  ownerOf(view: FakeView): string | undefined {
    return this.viewOwners.get(view.root_view_id);
  }

  /** The person closed the modal, or the app's answer to its submission closed it. */
  closeView(view: FakeView): void {
    this.fake.closeView(view.id);
    this.send('view-closed', { id: view.id }, this.ownerOf(view));
  }

  /** Plain text typed in the composer: shown to everyone, and, like Slack without a message subscription, not sent to the app. */
  postTyped(person: Person, text: string): void {
    const micros = Date.now() * 1000;
    const ts = `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
    const message = { id: `local-${this.typed.length + 1}`, ts, person, text };
    this.typed.push(message);
    this.send('message', this.typedMessage(message));
  }

  /** Starts the event stream for one person: everything they can see now, then every change. */
  connect(req: IncomingMessage, res: ServerResponse, person: Person): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const viewer = { user: person.id, res };
    this.viewers.add(viewer);
    req.on('close', () => this.viewers.delete(viewer));
    this.write(viewer, 'hello', {
      people: PEOPLE,
      messages: this.messagesFor(person.id),
      views: this.fake.views
        .filter((v) => !v.closed && this.ownerOf(v) === person.id)
        .map((v) => this.pageView(v)),
    });
  }

  close(): void {
    clearInterval(this.keepalive);
    this.unsubscribe.forEach((off) => off());
    this.viewers.forEach((v) => v.res.end());
    this.viewers.clear();
  }

  private messagesFor(user: string): PageMessage[] {
    const fromApp = this.fake.messages
      .filter((m) => m.channel === CHANNEL.id && !m.deleted && (!m.ephemeral || m.user === user))
      .map((m) => this.pageMessage(m));
    const typed = this.typed.map((m) => this.typedMessage(m));
    return [...fromApp, ...typed].sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  private posted(message: FakeMessage): void {
    // The fake emits an event inside the Web API call that caused it, so the newest recorded call is that one.
    const call = this.fake.calls[this.fake.calls.length - 1];
    const flag = call?.method === 'chat.postMessage' ? call.body.reply_broadcast : undefined;
    if (message.thread_ts && (flag === true || flag === 'true')) this.broadcast.add(message.ts);
    this.publishMessage(message);
  }

  private publishMessage(message: FakeMessage): void {
    if (message.channel !== CHANNEL.id) return;
    this.send('message', this.pageMessage(message), message.ephemeral ? message.user : undefined);
  }

  private opened(view: FakeView): void {
    const call = this.fake.calls[this.fake.calls.length - 1];
    const trigger = String(call?.body.trigger_id ?? '');
    const owner = this.triggerOwners.get(trigger);
    if (!owner) return;
    this.triggerOwners.delete(trigger);
    this.viewOwners.set(view.root_view_id, owner);
    this.publishView(view);
  }

  private publishView(view: FakeView): void {
    const owner = this.ownerOf(view);
    if (owner) this.send('view', this.pageView(view), owner);
  }

  private files(message: FakeMessage): FakeFile[] {
    return (message.files ?? []).flatMap((id) => this.fake.files.filter((f) => f.id === id));
  }

  private pageMessage(message: FakeMessage): PageMessage {
    return {
      id: message.ts,
      ts: message.ts,
      threadTs: message.thread_ts ?? null,
      inChannel: !message.thread_ts || this.broadcast.has(message.ts),
      ephemeral: message.ephemeral,
      edited: message.history.length > 0,
      author: { id: FAKE_BOT.user_id, name: FAKE_BOT.name, bot: true },
      html: messageBodyHtml(this.renderer, {
        text: message.text,
        blocks: message.blocks,
        files: this.files(message),
      }),
    };
  }

  private typedMessage(message: TypedMessage): PageMessage {
    return {
      id: message.id,
      ts: message.ts,
      threadTs: null,
      inChannel: true,
      ephemeral: false,
      edited: false,
      author: { id: message.person.id, name: message.person.realName, bot: false },
      html: messageBodyHtml(this.renderer, { text: escapeTyped(message.text) }),
    };
  }

  private pageView(view: FakeView): PageView {
    return {
      id: view.id,
      callbackId: String(view.view.callback_id ?? ''),
      html: modalHtml(this.renderer, view),
    };
  }

  /** To `user` only, or to everyone. */
  private send(event: string, data: unknown, user?: string): void {
    for (const viewer of this.viewers) if (!user || viewer.user === user) this.write(viewer, event, data);
  }

  private write(viewer: Viewer, event: string, data: unknown): void {
    viewer.res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
