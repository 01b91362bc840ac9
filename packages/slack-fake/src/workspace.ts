import { EventEmitter } from 'node:events';
import type {
  ApiAnswer,
  FakeFile,
  FakeMessage,
  FakeSlackEvent,
  FakeSlackEvents,
  FakeView,
  Json,
  RecordedCall,
  SlackChannel,
  SlackUser,
} from './types';

export const FAKE_TEAM = { id: 'T0FAKE0001', name: 'rdp-doctor fake workspace', domain: 'rdp-doctor-fake' };
export const FAKE_BOT = {
  user_id: 'U0FAKEBOT1',
  bot_id: 'B0FAKEBOT1',
  app_id: 'A0FAKEAPP1',
  name: 'rdp-doctor',
};
export const FAKE_BOT_TOKEN = 'xoxb-fake-rdp-doctor';

// Slack takes channel IDs (C…, G…, D…) it has never been told about here; the fake learns them on first
// use so tests need not register every channel, and refuses anything that is not shaped like an ID.
const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;

/** The fake's memory of one Slack workspace: what was posted, uploaded and opened, and who is in it. */
export class Workspace {
  readonly calls: RecordedCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly files: FakeFile[] = [];
  readonly views: FakeView[] = [];
  readonly users = new Map<string, SlackUser>();
  readonly channels = new Map<string, SlackChannel>();
  readonly userGroups = new Map<string, string[]>();
  readonly methodErrors = new Map<string, string>();
  /** trigger_ids seen by views.*; `issuedAt` only for ones the fake minted (they can expire). */
  readonly triggers = new Map<string, { issuedAt?: number; viewId?: string; exchanged: boolean }>();
  private readonly emitter = new EventEmitter();
  private readonly counters = new Map<string, number>();
  private lastMicros = 0;

  constructor(readonly now: () => number = () => Date.now()) {
    this.setUser({ id: FAKE_BOT.user_id, name: FAKE_BOT.name, real_name: FAKE_BOT.name, is_bot: true });
  }

  /** Message timestamps as Slack writes them (`1503435956.000247`), unique and increasing. */
  nextTs(): string {
    this.lastMicros = Math.max(this.now() * 1000, this.lastMicros + 1);
    const seconds = Math.floor(this.lastMicros / 1e6);
    return `${seconds}.${String(this.lastMicros % 1e6).padStart(6, '0')}`;
  }

  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${String(n).padStart(10, '0')}`;
  }

  setUser(user: Partial<SlackUser> & { id: string }): void {
    const name = user.name ?? user.id.toLowerCase();
    this.users.set(user.id, {
      name,
      real_name: name,
      is_bot: false,
      is_admin: false,
      tz: 'Europe/London',
      ...user,
    });
  }

  setChannel(channel: Partial<SlackChannel> & { id: string }): SlackChannel {
    const known: SlackChannel = {
      name: channel.id.toLowerCase(),
      is_private: channel.id.startsWith('G'),
      is_im: channel.id.startsWith('D'),
      ...channel,
    };
    this.channels.set(known.id, known);
    return known;
  }

  /** The channel a message may go to, learning ID-shaped ones; undefined means `channel_not_found`. */
  channel(id: unknown): SlackChannel | undefined {
    if (typeof id !== 'string') return undefined;
    return this.channels.get(id) ?? (CHANNEL_ID.test(id) ? this.setChannel({ id }) : undefined);
  }

  findMessage(channel: unknown, ts: unknown): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  on<E extends FakeSlackEvent>(event: E, listener: (...args: FakeSlackEvents[E]) => void): () => void {
    const untyped = listener as (...args: unknown[]) => void;
    this.emitter.on(event, untyped);
    return () => this.emitter.off(event, untyped);
  }

  emit<E extends FakeSlackEvent>(event: E, ...args: FakeSlackEvents[E]): void {
    this.emitter.emit(event, ...args);
  }
}

export function ok(body: Json = {}): ApiAnswer {
  return { status: 200, body: { ok: true, ...body } };
}

// Slack answers API errors with HTTP 200 and `ok: false`; only rate limiting changes the status.
export function fail(error: string, extra: Json = {}): ApiAnswer {
  return { status: 200, body: { ok: false, error, ...extra } };
}

/** `invalid_arguments` the way views.* report schema problems: each one as an `[ERROR]` line. */
export function invalidArguments(errors: string[]): ApiAnswer {
  return fail('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
}

export function invalidBlocks(errors: string[]): ApiAnswer {
  return fail('invalid_blocks', {
    errors,
    response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
  });
}

/** Form-encoded calls carry JSON arguments (blocks, view, files) as strings; JSON calls carry them as is. */
export function jsonArgument(value: unknown): { value: unknown } | { invalid: true } {
  if (typeof value !== 'string') return { value };
  try {
    return { value: JSON.parse(value) };
  } catch {
    return { invalid: true };
  }
}

export function stringArg(args: Json, name: string): string | undefined {
  const value = args[name];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
