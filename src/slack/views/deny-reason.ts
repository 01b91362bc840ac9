import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { Proposal } from '../../store';
import { plainText, section } from '../blocks/build';
import { escapeMrkdwn } from '../blocks/mrkdwn';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';
import { refusalMessage } from '../../approvals/messages';

// Denying a proposal asks why, optionally: the reason shows on the proposal and in the audit log.

export const DENY_REASON_CALLBACK_ID = 'deny-reason';
const REASON_BLOCK_ID = 'reason';
const REASON_ACTION_ID = 'value';

interface DenyMetadata {
  proposal: string;
  channel: string;
}

export function denyReasonModal(args: { proposal: Proposal; channel: string }): types.ModalView {
  const { proposal } = args;
  const metadata: DenyMetadata = { proposal: proposal.id, channel: args.channel };
  return {
    type: 'modal',
    callback_id: DENY_REASON_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: plainText('Deny the fix', 24),
    submit: plainText('Deny', 24),
    close: plainText('Keep it', 24),
    blocks: [
      section(`*${escapeMrkdwn(proposal.fixId)}* on *${escapeMrkdwn(proposal.vmName)}* will not run.`),
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        optional: true,
        label: plainText('Why? (optional)', 2000),
        hint: plainText('Shown on the proposal and kept in the audit log.', 2000),
        element: { type: 'plain_text_input', action_id: REASON_ACTION_ID, multiline: true, max_length: 500 },
      },
    ],
  };
}

function readMetadata(text: string): DenyMetadata | null {
  try {
    const value = JSON.parse(text) as Partial<DenyMetadata>;
    return typeof value.proposal === 'string' && typeof value.channel === 'string'
      ? (value as DenyMetadata)
      : null;
  } catch {
    return null;
  }
}

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The deny modal submitted: deny as the person who submitted it, with their reason. */
export function submitDenyReason(ctx: SlackContext) {
  return async ({ ack, view, body, client }: Args): Promise<void> => {
    const metadata = readMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [REASON_BLOCK_ID]: 'This form could not be read; close it and click Deny again.' },
      });
      return;
    }
    await ack();
    const reason = view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim();
    const denial = await ctx.workflow.deny(metadata.proposal, body.user.id, reason || undefined);
    await ctx.proposalMessages.refresh(metadata.proposal);
    if (!denial.ok) await tellPrivately(client, metadata.channel, body.user.id, refusalMessage(denial));
  };
}
