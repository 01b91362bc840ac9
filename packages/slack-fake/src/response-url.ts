// A Slack `response_url`: posts an ephemeral (default) or in-channel message for the interaction, or
// replaces / deletes the message the interaction came from. Slack honours one up to 5 times within
// 30 minutes (https://docs.slack.dev/interactivity/handling-user-interaction).
import { randomBytes } from 'node:crypto';
import { hasContent, readMessageContent } from './message-content';
import type { ApiAnswer, FakeMessage, Json, ResponseTarget } from './types';
import { fail, ok, stringArg, type Workspace } from './workspace';

const USES = 5;
const LIFETIME_MS = 30 * 60 * 1000;

interface Issued {
  target: ResponseTarget;
  issuedAt: number;
  uses: number;
}

export class ResponseUrls {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly ws: Workspace) {}

  /** Path (under the fake's origin) of a new response URL for this interaction. */
  issue(target: ResponseTarget): string {
    const id = randomBytes(12).toString('hex');
    this.issued.set(id, { target, issuedAt: this.ws.now(), uses: 0 });
    return `/response/${id}`;
  }

  receive(id: string, body: Json): ApiAnswer {
    const issued = this.issued.get(id);
    // Webhook-style URLs answer failures with an HTTP error status, unlike the Web API.
    if (!issued) return { status: 404, body: { ok: false, error: 'invalid_url' } };
    if (this.ws.now() - issued.issuedAt > LIFETIME_MS)
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    if (issued.uses >= USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    issued.uses += 1;
    const answer = this.apply(issued.target, body);
    return answer.body.ok ? answer : { ...answer, status: 400 };
  }

  private apply(target: ResponseTarget, body: Json): ApiAnswer {
    const original = target.message_ts
      ? this.ws.messages.find((m) => m.channel === target.channel && m.ts === target.message_ts && !m.deleted)
      : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (!original) return fail('message_not_found');
      original.deleted = true;
      this.ws.emit('message_deleted', original);
      return ok();
    }
    const read = readMessageContent(body);
    if ('refused' in read) return read.refused;
    if (!hasContent(read.content)) return fail('no_text');
    if (body.replace_original === true || body.replace_original === 'true') {
      if (!original) return fail('message_not_found');
      original.history.push({ text: original.text, blocks: original.blocks, at: new Date(this.ws.now()) });
      original.text = read.content.text ?? '';
      original.blocks = read.content.blocks;
      this.ws.emit('message_updated', original);
      return ok();
    }
    const ephemeral = body.response_type !== 'in_channel';
    const message: FakeMessage = {
      channel: target.channel,
      ts: this.ws.nextTs(),
      thread_ts: stringArg(body, 'thread_ts'),
      text: read.content.text ?? '',
      blocks: read.content.blocks,
      user: ephemeral ? target.user : undefined,
      ephemeral,
      deleted: false,
      history: [],
    };
    this.ws.messages.push(message);
    this.ws.emit(ephemeral ? 'ephemeral_posted' : 'message_posted', message);
    return ok();
  }
}
