import type { BlockButtonAction } from '@slack/bolt';
import type { ApprovalPlace, ApproverPolicy } from '../../approvals/workflow';
import type { SlackMessage } from '../blocks/types';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';

/**
 * Who clicked hears the answer where they clicked: privately in the channel, or at the top of their App
 * Home when the button was there (a Home tab has no channel to answer in).
 */
export function answerClicker(
  ctx: SlackContext,
  body: BlockButtonAction,
  client: Parameters<typeof tellPrivately>[0],
): (said: string | SlackMessage) => Promise<void> {
  const user = body.user.id;
  if (body.container?.type === 'view' && body.view?.type === 'home') {
    return (said) => ctx.home.publish(user, typeof said === 'string' ? said : said.text);
  }
  const channel = body.channel?.id ?? (body.container.channel_id as string);
  return (said) => tellPrivately(client, channel, user, said);
}

/** The channel message a button was clicked on, from the signed payload; empty for a Home tab or a modal. */
export function clickedMessage(body: BlockButtonAction): {
  channel?: string;
  messageTs?: string;
  threadTs?: string;
} {
  if (body.container?.type !== 'message') return {};
  return {
    channel: body.channel?.id,
    messageTs: body.message?.ts,
    threadTs: body.message?.thread_ts,
  };
}

/**
 * Where an approve or deny click happened, from the signed payload: a message in a channel, or the
 * clicker's App Home. Any other surface (a modal, a message without a channel) counts as no channel at all.
 */
export function placeOf(body: BlockButtonAction): ApprovalPlace {
  if (body.container?.type === 'view' && body.view?.type === 'home') return { surface: 'home' };
  const channel = body.container?.type === 'message' ? body.channel?.id : undefined;
  return { surface: 'channel', channel: channel ?? '' };
}

/**
 * APPROVERS as Slack says it is now, for a deny: when it cannot be read, nobody but the proposer may deny
 * from App Home (a deny in the proposal's channel does not depend on it).
 */
export async function approverPolicy(ctx: SlackContext): Promise<ApproverPolicy> {
  const approvers = await ctx.approvers.resolve();
  return approvers.ok ? approvers.policy : 'unset';
}
