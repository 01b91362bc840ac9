import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { refusalMessage } from '../../approvals/messages';
import { denyRefusal } from '../../approvals/workflow';
import type { SlackContext } from '../context';
import { denyReasonModal } from '../views/deny-reason';
import { answerClicker, approverPolicy, clickedMessage, placeOf } from './answer-clicker';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Deny on a proposal, on its message or in an approver's App Home (after Slack's confirm dialog): ask why
 * in a modal while it still waits; a proposal that no longer waits, or a click from where its clicker may
 * not deny, only says why, through the workflow's own refusal.
 */
export function denyFix(ctx: SlackContext) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const proposalId = action.value ?? '';
    const from = { place: placeOf(body), approvers: await approverPolicy(ctx) };
    await ctx.proposalMessages.adoptClickedMessage(proposalId, clickedMessage(body));
    const proposal = await ctx.proposals.get(proposalId);
    if (
      proposal?.state === 'proposed' &&
      Date.parse(proposal.expiresAt) > Date.now() &&
      denyRefusal(proposal, user, from) === null
    ) {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: denyReasonModal({ key: ctx.metadataKey, proposal, place: from.place }),
      });
      return;
    }
    const denial = await ctx.workflow.deny(proposalId, user, undefined, from);
    await ctx.proposalMessages.refresh(proposalId);
    if (!denial.ok) await answerClicker(ctx, body, client)(refusalMessage(denial));
  };
}
