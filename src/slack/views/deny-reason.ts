import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, types } from '@slack/bolt';
import type { Proposal } from '../../store';
import { plainText, section } from '../blocks/build';
import { escapeMrkdwn } from '../blocks/mrkdwn';
import type { SlackContext } from '../context';
import { tellPrivately } from '../tell-privately';
import { refusalMessage } from '../../approvals/messages';
import type { ApprovalPlace } from '../../approvals/workflow';
import { readSignedMetadata, signMetadata } from './signed-metadata';
import { approverPolicy } from '../actions/answer-clicker';

// Denying a proposal asks why, optionally: the reason shows on the proposal and in the audit log.

export const DENY_REASON_CALLBACK_ID = 'deny-reason';
const REASON_BLOCK_ID = 'reason';
const REASON_ACTION_ID = 'value';

/** Signed, so a forged submission cannot name another proposal or where the deny was clicked. */
interface DenyMetadata {
  proposal: string;
  place: ApprovalPlace;
}

export function denyReasonModal(args: {
  key: Buffer;
  proposal: Proposal;
  place: ApprovalPlace;
}): types.ModalView {
  const { proposal } = args;
  const metadata: DenyMetadata = { proposal: proposal.id, place: args.place };
  return {
    type: 'modal',
    callback_id: DENY_REASON_CALLBACK_ID,
    private_metadata: signMetadata(args.key, metadata),
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

function isPlace(value: unknown): value is ApprovalPlace {
  const place = value as Partial<{ surface: string; channel: unknown }> | null;
  return place?.surface === 'home' || (place?.surface === 'channel' && typeof place.channel === 'string');
}

function readMetadata(key: Buffer, text: string): DenyMetadata | null {
  const value = readSignedMetadata(key, text) as Partial<DenyMetadata> | null;
  return typeof value?.proposal === 'string' && isPlace(value.place) ? (value as DenyMetadata) : null;
}

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The deny modal submitted: deny as the person who submitted it, with their reason. */
export function submitDenyReason(ctx: SlackContext) {
  return async ({ ack, view, body, client }: Args): Promise<void> => {
    const metadata = readMetadata(ctx.metadataKey, view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [REASON_BLOCK_ID]: 'This form could not be read; close it and click Deny again.' },
      });
      return;
    }
    await ack();
    const reason = view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim();
    const user = body.user.id;
    const denial = await ctx.workflow.deny(metadata.proposal, user, reason || undefined, {
      place: metadata.place,
      approvers: await approverPolicy(ctx),
    });
    await ctx.proposalMessages.refresh(metadata.proposal);
    if (denial.ok) return;
    // Said where the Deny was clicked (signed with the form): the clicker's App Home, or the channel.
    const said = refusalMessage(denial);
    if (metadata.place.surface === 'home') await ctx.home.publish(user, said);
    else await tellPrivately(client, metadata.place.channel, user, said);
  };
}
