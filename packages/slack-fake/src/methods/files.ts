// The files.uploadV2 path: files.getUploadURLExternal hands out an upload URL on this server, the bytes
// are POSTed there, and files.completeUploadExternal shares the file (https://docs.slack.dev/reference/
// methods/files.getUploadURLExternal). File URLs point back here so a browser can show the image.
import type { IncomingHttpHeaders } from 'node:http';
import { extname } from 'node:path';
import { readMessageContent } from '../message-content';
import type { ApiAnswer, FakeFile, FakeMessage, Json } from '../types';
import {
  fail,
  FAKE_BOT,
  FAKE_TEAM,
  invalidArguments,
  jsonArgument,
  ok,
  stringArg,
  type Workspace,
} from '../workspace';

const ALT_TEXT_LIMIT = 1000;

const MIME_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.json': 'application/json',
  '.csv': 'text/csv',
};

export function getUploadURLExternal(ws: Workspace, args: Json, origin: string): ApiAnswer {
  const filename = stringArg(args, 'filename');
  if (!filename) return invalidArguments(['missing required field: filename']);
  const length = Number(args.length);
  if (!Number.isInteger(length) || length <= 0) return fail('missing_argument');
  // Slack documents `alt_txt`; @slack/web-api sends `alt_text`. Both are kept.
  const altText = stringArg(args, 'alt_txt') ?? stringArg(args, 'alt_text');
  if (altText && altText.length > ALT_TEXT_LIMIT) return fail('alt_txt_too_large');
  const id = ws.nextId('F');
  const name = encodeURIComponent(filename);
  ws.files.push({
    id,
    name: filename,
    title: filename,
    length,
    alt_text: altText,
    mimetype: MIME_TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream',
    completed: false,
    url_private: `${origin}/files-pri/${FAKE_TEAM.id}-${id}/${name}`,
    permalink: `${origin}/files/${FAKE_BOT.user_id}/${id}/${name}`,
  });
  return ok({ upload_url: `${origin}/upload/v1/${id}`, file_id: id });
}

/**
 * Takes the bytes POSTed to an upload URL: raw, or multipart the way @slack/web-api and `curl -F` send
 * them. Answers like files.slack.com: `OK - <bytes>`.
 */
export async function receiveUpload(
  ws: Workspace,
  fileId: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; text: string }> {
  const file = ws.files.find((f) => f.id === fileId);
  if (!file || file.completed) return { status: 404, text: 'file_not_found' };
  const contentType = headers['content-type'] ?? '';
  let bytes = body;
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();
    const part = [...form.values()].find((v) => typeof v !== 'string');
    if (part === undefined || typeof part === 'string')
      return { status: 400, text: 'no file in the multipart body' };
    bytes = Buffer.from(await part.arrayBuffer());
  }
  file.bytes = bytes;
  return { status: 200, text: `OK - ${bytes.length}` };
}

/** A file the way files.* return it. */
export function fileJson(file: FakeFile, created: number): Json {
  const type = extname(file.name).slice(1).toLowerCase() || 'binary';
  return {
    id: file.id,
    created,
    timestamp: created,
    name: file.name,
    title: file.title,
    mimetype: file.mimetype,
    filetype: type,
    pretty_type: type.toUpperCase(),
    user: FAKE_BOT.user_id,
    user_team: FAKE_TEAM.id,
    mode: 'hosted',
    editable: false,
    is_external: false,
    is_public: file.channel?.startsWith('C') ?? false,
    size: file.bytes?.length ?? file.length,
    url_private: file.url_private,
    url_private_download: `${file.url_private}?download=1`,
    permalink: file.permalink,
    channels: file.channel ? [file.channel] : [],
    ...(file.alt_text ? { alt_txt: file.alt_text } : {}),
  };
}

export function completeUploadExternal(ws: Workspace, args: Json): ApiAnswer {
  const parsed = jsonArgument(args.files);
  if ('invalid' in parsed || !Array.isArray(parsed.value) || parsed.value.length === 0) {
    return invalidArguments(['missing required field: files']);
  }
  const entries = parsed.value as Array<{ id?: unknown; title?: unknown }>;
  const files = entries.map((entry) => ws.files.find((f) => f.id === entry.id && f.bytes && !f.completed));
  if (files.some((f) => f === undefined)) return fail('file_not_found');
  const channelId = stringArg(args, 'channel_id') ?? stringArg(args, 'channels');
  const channel = channelId === undefined ? undefined : ws.channel(channelId);
  if (channelId !== undefined && !channel) return fail('channel_not_found');
  const read = readMessageContent({ text: args.initial_comment, blocks: args.blocks });
  if ('refused' in read) return read.refused;

  const shared = files as FakeFile[];
  const threadTs = stringArg(args, 'thread_ts');
  shared.forEach((file, i) => {
    const title = entries[i].title;
    if (typeof title === 'string' && title !== '') file.title = title;
    file.completed = true;
    file.channel = channel?.id;
    file.thread_ts = threadTs;
    file.initial_comment = read.content.text;
  });
  if (channel) {
    const message: FakeMessage = {
      channel: channel.id,
      ts: ws.nextTs(),
      thread_ts: threadTs,
      text: read.content.text ?? '',
      blocks: read.content.blocks,
      ephemeral: false,
      deleted: false,
      files: shared.map((f) => f.id),
      history: [],
    };
    ws.messages.push(message);
    ws.emit('message_posted', message);
  }
  shared.forEach((file) => ws.emit('file_uploaded', file));
  const created = Math.floor(ws.now() / 1000);
  return ok({ files: shared.map((f) => fileJson(f, created)) });
}
