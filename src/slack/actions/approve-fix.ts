import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { approvalMessage, refusalMessage } from '../../approvals/messages';
import { approvalRecorded } from '../blocks/proposal';
import type { SlackContext } from '../context';
import { answerClicker, clickedMessage, placeOf } from './answer-clicker';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Approve on a proposal, on its message or in an approver's App Home: the approver is whoever clicked
 * (signed payload), checked against APPROVERS as Slack says it is right now. Once enough people approved,
 * the fix runs in the background; refusals are said privately to the clicker and change nothing.
 */
export function approveFix(ctx: SlackContext) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const user = body.user.id;
    const tell = answerClicker(ctx, body, client);
    const proposalId = action.value ?? '';
    await ctx.proposalMessages.adoptClickedMessage(proposalId, clickedMessage(body));

    const approvers = await ctx.approvers.resolve();
    const approval = approvers.ok
      ? await ctx.workflow.approve(proposalId, user, approvers.policy, placeOf(body))
      : await ctx.workflow.refuseUnjudgedApproval(proposalId, user, approvers.message);
    if (!approval.ok) {
      // The click may have been what expired it.
      if (approval.code === 'expired') await ctx.proposalMessages.refresh(proposalId);
      return tell(refusalMessage(approval));
    }
    await ctx.proposalMessages.refresh(proposalId);
    if (approval.approvalsNeeded > 0) return tell(approvalRecorded(approvalMessage(approval)));
    ctx.executor.execute(proposalId);
  };
}
