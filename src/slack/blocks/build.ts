import { BLOCK_KIT_LIMITS } from '@rdp-doctor/block-kit-limits';
import type { types } from '@slack/bolt';
import { truncate } from './mrkdwn';
import type { KnownBlock } from './types';

// Block builders that hold Slack's limits (https://docs.slack.dev/reference/block-kit/blocks), so no
// evidence, however long, makes Slack refuse a message: text is cut with an ellipsis instead.

/** Slack's published limits, the same table the fake Slack enforces. */
export const LIMITS = BLOCK_KIT_LIMITS;

/**
 * Slack also refuses a message whose blocks hold more than about 13,000 characters in all
 * (`msg_blocks_too_long`, not in the published limits: slackapi/bolt-js#2509), so long content is split
 * into messages that stay under this budget.
 */
export const MESSAGE_CONTENT_BUDGET = 12_000;

export function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function header(text: string): types.HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function context(texts: readonly string[]): types.ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, LIMITS.contextText) })),
  };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
}

export function plainText(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** Fallback text for notifications and clients that cannot draw blocks. */
export function message(text: string, blocks: KnownBlock[]): { text: string; blocks: KnownBlock[] } {
  return { text: truncate(text, LIMITS.messageText), blocks };
}

/** How many characters of content a block carries, the measure `msg_blocks_too_long` is judged by. */
export function contentLength(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + contentLength(item), 0);
  if (typeof value === 'object' && value !== null) return contentLength(Object.values(value));
  return 0;
}
