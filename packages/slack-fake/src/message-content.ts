import { BLOCK_KIT_LIMITS } from '@rdp-doctor/block-kit-limits';
import { validateMessageBlocks } from './block-kit-limits';
import type { ApiAnswer, FakeMessage, Json } from './types';
import { fail, FAKE_BOT, FAKE_TEAM, invalidBlocks, jsonArgument } from './workspace';

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  truncated: boolean;
}

/**
 * Reads `text` and `blocks` the way Slack does for every way of posting (chat.*, response_url):
 * blocks must be a JSON array that passes Block Kit's limits, and text past 40,000 characters is cut
 * with a warning rather than refused (https://api.slack.com/changelog/2018-04-truncating-really-long-messages).
 */
export function readMessageContent(args: Json): { content: MessageContent } | { refused: ApiAnswer } {
  let blocks: unknown[] | undefined;
  if (args.blocks !== undefined) {
    const parsed = jsonArgument(args.blocks);
    if ('invalid' in parsed || !Array.isArray(parsed.value))
      return { refused: fail('invalid_blocks_format') };
    const errors = validateMessageBlocks(parsed.value);
    if (errors.length > 0) return { refused: invalidBlocks(errors) };
    blocks = parsed.value;
  }
  const raw = typeof args.text === 'string' ? args.text : undefined;
  const truncated = raw !== undefined && raw.length > BLOCK_KIT_LIMITS.messageText;
  const text = truncated ? raw.slice(0, BLOCK_KIT_LIMITS.messageText) : raw;
  return { content: { text, blocks, truncated } };
}

export function hasContent(content: MessageContent): boolean {
  return (
    (content.text !== undefined && content.text !== '') ||
    (content.blocks !== undefined && content.blocks.length > 0)
  );
}

export function truncationWarning(content: MessageContent): Json {
  if (!content.truncated) return {};
  return {
    warning: 'message_truncated',
    response_metadata: {
      warnings: ['message_truncated'],
      messages: [
        '[WARN] Your message was truncated but still posted. The `text` field accepts up to 40,000 characters.',
      ],
    },
  };
}

/** A stored message as Slack's API returns it in `message`. */
export function messageJson(message: FakeMessage): Json {
  return {
    type: 'message',
    text: message.text,
    user: FAKE_BOT.user_id,
    bot_id: FAKE_BOT.bot_id,
    app_id: FAKE_BOT.app_id,
    team: FAKE_TEAM.id,
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.thread_ts ? { thread_ts: message.thread_ts, parent_user_id: FAKE_BOT.user_id } : {}),
    ...(message.files ? { files: message.files.map((id) => ({ id })), upload: true } : {}),
  };
}
