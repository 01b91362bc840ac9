import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalMessage } from '../../approvals/messages';
import type { SlackContext } from '../context';
import { denyReasonModal } from '../views/deny-reason';
import { answerClicker, clickedMessage } from './answer-clicker';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Deny on a proposal, on its message or in an approver's App Home (after Slack's confirm dialog): ask why
 * in a modal while it still waits; a proposal that no longer waits only says why, through the workflow's
 * own refusal.
 */
export function denyFix(ctx: SlackContext) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const proposalId = action.value ?? '';
    await ctx.proposalMessages.adoptClickedMessage(proposalId, clickedMessage(body));
    const proposal = await ctx.proposals.get(proposalId);
    // From the Home tab there is no channel in the payload: what the modal's submission says goes to the
    // proposal's channel.
    const channel =
      body.channel?.id ?? (body.container.channel_id as string | undefined) ?? proposal?.channel;
    if (proposal?.state === 'proposed' && Date.parse(proposal.expiresAt) > Date.now() && channel) {
      await client.views.open({ trigger_id: body.trigger_id, view: denyReasonModal({ proposal, channel }) });
      return;
    }
    const denial = await ctx.workflow.deny(proposalId, user);
    await ctx.proposalMessages.refresh(proposalId);
    if (!denial.ok) await answerClicker(ctx, body, client)(refusalMessage(denial));
  };
}
