import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { resolveApprovers } from '../approvers';
import { approvalRecorded } from '../blocks/proposal';
import type { SlackMessage } from '../blocks/types';
import type { SlackContext } from '../context';
import { tellPrivately } from '../proposals';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Who clicked hears the answer where they clicked: privately in the channel, or at the top of their App
 * Home when the button was there.
 */
export function answerClicker(ctx: SlackContext, args: Args): (said: string | SlackMessage) => Promise<void> {
  const user = args.body.user.id;
  if (args.body.view?.type === 'home') {
    return (said) => ctx.home.publish(user, typeof said === 'string' ? said : said.text);
  }
  const channel = args.body.channel?.id ?? (args.body.container.channel_id as string);
  return (said) => tellPrivately(args.client, channel, user, said);
}

/**
 * Approve on a proposal, on its message or in an approver's App Home: the approver is whoever clicked
 * (signed payload), checked against APPROVERS as Slack says it is right now. Once enough people approved,
 * the fix runs in the background; refusals are said privately to the clicker and change nothing.
 */
export function approveFix(ctx: SlackContext) {
  return async (args: Args): Promise<void> => {
    const { ack, action, body, client } = args;
    await ack();
    const user = body.user.id;
    const tell = answerClicker(ctx, args);
    const proposalId = action.value ?? '';

    const approvers = await resolveApprovers(client, ctx.config.APPROVERS);
    if (!approvers.ok) {
      await ctx.proposals.recordRefusedApproval(proposalId, user, 'approvers-unavailable');
      return tell(approvers.message);
    }
    const approval = await ctx.workflow.approve(proposalId, user, approvers.policy);
    if (!approval.ok) {
      // The click may have been what expired it.
      if (approval.code === 'expired') await ctx.proposals.refresh(proposalId);
      return tell(approval.message);
    }
    await ctx.proposals.refresh(proposalId);
    if (approval.approvalsNeeded > 0) return tell(approvalRecorded(approval.message));
    ctx.proposals.execute(proposalId);
  };
}
