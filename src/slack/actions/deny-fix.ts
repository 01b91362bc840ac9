import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalMessage } from '../../approvals/messages';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';
import { denyReasonModal } from '../views/deny-reason';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Deny on a proposal (after Slack's confirm dialog): ask why in a modal while it still waits; a proposal
 * that no longer waits only says why, through the workflow's own refusal.
 */
export function denyFix(ctx: SlackContext) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id ?? (body.container.channel_id as string);
    const proposalId = action.value ?? '';
    const proposal = await ctx.proposals.get(proposalId);
    if (proposal?.state === 'proposed' && Date.parse(proposal.expiresAt) > Date.now()) {
      await client.views.open({ trigger_id: body.trigger_id, view: denyReasonModal({ proposal, channel }) });
      return;
    }
    const denial = await ctx.workflow.deny(proposalId, user);
    await ctx.proposalMessages.refresh(proposalId);
    if (!denial.ok) await tellPrivately(client, channel, user, refusalMessage(denial));
  };
}
