// chat.postMessage, chat.update, chat.postEphemeral and chat.delete with Slack's argument rules and
// answer shapes (https://docs.slack.dev/reference/methods/chat.postMessage and its siblings).
import { hasContent, messageJson, readMessageContent, truncationWarning } from '../message-content';
import type { ApiAnswer, FakeMessage, Json } from '../types';
import { fail, ok, stringArg, type Workspace } from '../workspace';

export function postMessage(ws: Workspace, args: Json): ApiAnswer {
  const channel = ws.channel(args.channel);
  if (!channel) return fail('channel_not_found');
  const read = readMessageContent(args);
  if ('refused' in read) return read.refused;
  if (!hasContent(read.content)) return fail('no_text');
  const message: FakeMessage = {
    channel: channel.id,
    ts: ws.nextTs(),
    thread_ts: stringArg(args, 'thread_ts'),
    text: read.content.text ?? '',
    blocks: read.content.blocks,
    ephemeral: false,
    deleted: false,
    history: [],
  };
  ws.messages.push(message);
  ws.emit('message_posted', message);
  return ok({
    channel: channel.id,
    ts: message.ts,
    message: messageJson(message),
    ...truncationWarning(read.content),
  });
}

export function update(ws: Workspace, args: Json): ApiAnswer {
  if (!ws.channel(args.channel)) return fail('channel_not_found');
  // Ephemeral messages cannot be changed through chat.update, only through their response_url.
  const message = ws.findMessage(args.channel, args.ts);
  if (!message || message.ephemeral) return fail('message_not_found');
  const read = readMessageContent(args);
  if ('refused' in read) return read.refused;
  if (!hasContent(read.content)) return fail('no_text');
  message.history.push({ text: message.text, blocks: message.blocks, at: new Date(ws.now()) });
  // Slack keeps the previous blocks when `blocks` is left out; an empty array removes them.
  if (read.content.blocks !== undefined)
    message.blocks = read.content.blocks.length > 0 ? read.content.blocks : undefined;
  if (read.content.text !== undefined) message.text = read.content.text;
  ws.emit('message_updated', message);
  return ok({
    channel: message.channel,
    ts: message.ts,
    text: message.text,
    message: messageJson(message),
    ...truncationWarning(read.content),
  });
}

export function postEphemeral(ws: Workspace, args: Json): ApiAnswer {
  const channel = ws.channel(args.channel);
  if (!channel) return fail('channel_not_found');
  const user = stringArg(args, 'user');
  if (!user) return fail('user_not_in_channel');
  const read = readMessageContent(args);
  if ('refused' in read) return read.refused;
  if (!hasContent(read.content)) return fail('no_text');
  const message: FakeMessage = {
    channel: channel.id,
    ts: ws.nextTs(),
    thread_ts: stringArg(args, 'thread_ts'),
    text: read.content.text ?? '',
    blocks: read.content.blocks,
    user,
    ephemeral: true,
    deleted: false,
    history: [],
  };
  ws.messages.push(message);
  ws.emit('ephemeral_posted', message);
  return ok({ message_ts: message.ts, ...truncationWarning(read.content) });
}

export function deleteMessage(ws: Workspace, args: Json): ApiAnswer {
  if (!ws.channel(args.channel)) return fail('channel_not_found');
  const message = ws.findMessage(args.channel, args.ts);
  if (!message || message.ephemeral) return fail('message_not_found');
  message.deleted = true;
  ws.emit('message_deleted', message);
  return ok({ channel: message.channel, ts: message.ts });
}
