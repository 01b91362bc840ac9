import type { types } from '@slack/bolt';
import type { ProposalDescription } from '../../approvals/proposal-service';
import type { ProposalState } from '../../approvals/states';
import type { ApproverSetting } from '../../config';
import type { Proposal } from '../../store';
import { isUserGroup } from '../approvers';
import { context, LIMITS, message, plainText, section } from './build';
import { escapeMrkdwn, inlineCode, mention, mrkdwn, plural } from './mrkdwn';
import type { KnownBlock, SlackMessage } from './types';

// A fix proposal as the channel sees it, in every state of the approval workflow: who proposed what on
// which machine and why, who approved, and how it ended. Approve and Deny buttons only while it waits;
// their action ids contain `approve` and `deny` (DESIGN.md) and their value is the proposal id.

export const APPROVE_ACTION_ID = 'approve-fix';
export const DENY_ACTION_ID = 'deny-fix';

/** Mentions shown when listing who may still approve; the rest are counted. */
const NAMES_SHOWN = 10;
const REASON_MAX = 2400;

export interface ProposalView extends ProposalDescription {
  /** APPROVERS as configured: who may approve, to say so on the message. */
  approverSetting: ApproverSetting;
}

function utcTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

function mentions(users: readonly string[]): string {
  return users.map(mention).join(', ');
}

/** `<@U1>, <@U2> or members of <!subteam^S1>`, capped, for who may still approve. */
function eitherOf(parts: readonly string[]): string {
  const shown = parts.slice(0, NAMES_SHOWN);
  const more = parts.length - shown.length;
  const list = more > 0 ? [...shown, `${more} more`] : shown;
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function whoMayApprove(view: ProposalView): string {
  const { proposal, approvedBy, approverSetting } = view;
  const excluded = new Set([proposal.proposer, ...approvedBy]);
  if (approverSetting.kind === 'unset') {
    return (
      'nobody yet: an admin must set APPROVERS (Slack user or user group ids, or * for any member other ' +
      'than the proposer) before anyone can approve'
    );
  }
  if (approverSetting.kind === 'any-member') {
    return `anyone here other than ${mentions([...excluded])}`;
  }
  const users = approverSetting.ids.filter((id) => !isUserGroup(id) && !excluded.has(id)).map(mention);
  const groups = approverSetting.ids.filter(isUserGroup).map((id) => `members of <!subteam^${id}>`);
  const parts = [...users, ...groups];
  return parts.length === 0
    ? 'nobody: every approver listed in APPROVERS has approved or proposed it. Widen APPROVERS, then propose it again'
    : eitherOf(parts);
}

function waiting(view: ProposalView): string {
  const { proposal, approvedBy } = view;
  const needed = Math.max(0, proposal.approvalsRequired - approvedBy.length);
  const so =
    approvedBy.length > 0
      ? `Approved by ${mentions(approvedBy)} (${approvedBy.length} of ${proposal.approvalsRequired}). `
      : '';
  return (
    `:hourglass_flowing_sand: ${so}Waiting for ${plural(needed, 'more approval', 'more approvals')} from ` +
    `${whoMayApprove(view)}, before ${utcTime(proposal.expiresAt)}.`
  );
}

function reason(proposal: Proposal): string {
  return proposal.reason ? ` ${mrkdwn(proposal.reason, REASON_MAX)}` : '';
}

/** ` (approved by …)`, once someone approved: a final state still says who let the fix run. */
function approvers(approvedBy: readonly string[]): string {
  return approvedBy.length > 0 ? ` (approved by ${mentions(approvedBy)})` : '';
}

function statusLine(view: ProposalView): string {
  const { proposal, approvedBy } = view;
  const vm = escapeMrkdwn(proposal.vmName);
  const rediagnose = inlineCode(`/rdp ${proposal.vmName}`);
  switch (proposal.state) {
    case 'proposed':
      return waiting(view);
    case 'approved':
      return `:white_check_mark: Approved by ${mentions(approvedBy)}; starting.`;
    case 'executing':
      return `:gear: Running, approved by ${mentions(approvedBy)}: it re-checks the cause first and verifies it is gone after.`;
    case 'succeeded':
      return `:white_check_mark: *Done and verified*${approvers(approvedBy)}.${reason(proposal)}`;
    case 'failed':
      return `:x: *Failed*${approvers(approvedBy)}.${reason(proposal)}`;
    case 'no-longer-needed':
      return `:information_source: *Not run:* the cause was already gone${approvers(approvedBy)}.${reason(proposal)}`;
    case 'denied':
      return (
        `:no_entry: *${view.deniedBy === proposal.proposer ? 'Withdrawn' : 'Denied'}*` +
        `${view.deniedBy ? ` by ${mention(view.deniedBy)}` : ''}${proposal.reason ? `: ${mrkdwn(proposal.reason, REASON_MAX)}` : ''}. ` +
        'It will not run.'
      );
    case 'expired':
      return `:hourglass: *Expired* at ${utcTime(proposal.expiresAt)} without approval; it will not run. Run ${rediagnose} again to propose it.`;
    case 'interrupted':
      return (
        `:warning: *Interrupted:* rdp-doctor stopped, or lost its database, while the fix was running, so it may have been half applied, and it ` +
        `never re-runs on its own. Check ${vm} with ${rediagnose} and propose the fix again if the cause still holds.`
      );
  }
}

const STATE_WORDS: Record<ProposalState, string> = {
  proposed: 'waiting for approval',
  approved: 'approved',
  executing: 'running',
  succeeded: 'done and verified',
  failed: 'failed',
  'no-longer-needed': 'not run, the cause was already gone',
  denied: 'denied',
  expired: 'expired',
  interrupted: 'interrupted',
};

/** Approve and Deny for a waiting proposal: on its message, and in the approver's App Home. */
export function approvalButtons(proposal: Proposal, blockId = 'proposal-actions'): types.ActionsBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: plainText('Approve and run', LIMITS.buttonText),
        value: proposal.id,
        style: 'primary',
      },
      {
        type: 'button',
        action_id: DENY_ACTION_ID,
        text: plainText('Deny', LIMITS.buttonText),
        value: proposal.id,
        style: 'danger',
        confirm: {
          title: plainText('Deny this fix?', 100),
          text: plainText(`${proposal.fixId} will not run on ${proposal.vmName}; you can say why next.`, 300),
          confirm: plainText('Deny', 30),
          deny: plainText('Keep it', 30),
          style: 'danger',
        },
      },
    ],
  };
}

/** The proposal message, posted in the diagnosis thread and updated in place as the proposal moves. */
export function proposalMessage(view: ProposalView): SlackMessage {
  const { proposal } = view;
  const what = `${mention(proposal.proposer)} proposes *${escapeMrkdwn(view.fixTitle)}* on *${escapeMrkdwn(proposal.vmName)}*`;
  const why = `Why: ${escapeMrkdwn(view.causeTitle)} (${inlineCode(proposal.cause)})`;
  const blocks: KnownBlock[] = [
    section(`:hammer_and_wrench: ${what}\n${why}`),
    section(mrkdwn(view.description, LIMITS.sectionText)),
    section(statusLine(view)),
    context([
      `Proposal ${inlineCode(proposal.id)} · \`/rdp audit ${escapeMrkdwn(proposal.vmName)}\` shows every step`,
    ]),
  ];
  if (proposal.state === 'proposed') blocks.push(approvalButtons(proposal));
  return message(
    escapeMrkdwn(
      `${proposal.fixId} on ${proposal.vmName}, proposed by ${proposal.proposer}: ${STATE_WORDS[proposal.state]}`,
    ),
    blocks,
  );
}

/** How an execution ended, posted in the thread: what was done and what the verification found. */
export function fixResultMessage(args: {
  proposal: Proposal;
  fixTitle: string;
  detail: string;
  correlationId: string | null;
}): SlackMessage {
  const { proposal } = args;
  const icon =
    proposal.state === 'succeeded'
      ? ':white_check_mark:'
      : proposal.state === 'failed'
        ? ':x:'
        : ':information_source:';
  const approved = proposal.decidedBy ? ` Approved by ${mention(proposal.decidedBy)}.` : '';
  const head = `${icon} *${escapeMrkdwn(args.fixTitle)}* on *${escapeMrkdwn(proposal.vmName)}*: ${STATE_WORDS[proposal.state]}.${approved}`;
  const blocks: KnownBlock[] = [section(`${head}\n${mrkdwn(args.detail, REASON_MAX)}`)];
  if (args.correlationId) blocks.push(context([`ARM correlation id ${inlineCode(args.correlationId, 400)}`]));
  return message(
    mrkdwn(
      `${proposal.fixId} on ${proposal.vmName}: ${STATE_WORDS[proposal.state]}. ${args.detail}`,
      REASON_MAX,
    ),
    blocks,
  );
}

/**
 * What is known about an interrupted execution, posted in the thread once: the fix may or may not have run,
 * and whether its cause's check, run again on fresh facts, finds the cause gone or still there.
 */
export function interruptedMessage(args: {
  proposal: Proposal;
  fixTitle: string;
  recheck: { verdict: 'gone' | 'holds' | 'unknown'; summary: string };
}): SlackMessage {
  const { proposal, recheck } = args;
  const rediagnose = `/rdp ${proposal.vmName}`;
  const cause =
    recheck.verdict === 'gone'
      ? `The cause is gone now: ${recheck.summary}`
      : recheck.verdict === 'holds'
        ? `The cause is still there: ${recheck.summary} Check the machine, then propose the fix again.`
        : `The cause could not be checked (${recheck.summary}). Run ${rediagnose} to see where it stands.`;
  const known =
    'rdp-doctor stopped, or lost its database, while the fix was running: the fix may or may not have run, ' +
    `and it never re-runs on its own. ${cause}`;
  const head = `:warning: *${escapeMrkdwn(args.fixTitle)}* on *${escapeMrkdwn(proposal.vmName)}*: interrupted.`;
  return message(mrkdwn(`${proposal.fixId} on ${proposal.vmName}: interrupted. ${known}`, REASON_MAX), [
    section(`${head}\n${mrkdwn(known, REASON_MAX)}`),
    context([`Proposal ${inlineCode(proposal.id)} · re-check on fresh facts after the interruption`]),
  ]);
}

/** The private answer to an approval that counted but is not the last one needed. */
export function approvalRecorded(text: string): SlackMessage {
  const body = mrkdwn(text, LIMITS.sectionText - 30);
  return message(body, [section(`:ballot_box_with_check: ${body}`)]);
}

/** The generated password, for the proposer's eyes only (an ephemeral message). */
export function secretMessage(args: {
  vmName: string;
  userName: string | null;
  secret: string;
}): SlackMessage {
  const account = args.userName ? ` for *${escapeMrkdwn(args.userName)}*` : '';
  const text =
    `:key: New password${account} on *${escapeMrkdwn(args.vmName)}*: \`${args.secret}\`\n` +
    'Shown once, only to you; rdp-doctor keeps no copy. Sign in and change it now.';
  return message(
    escapeMrkdwn(
      `New password${args.userName ? ` for ${args.userName}` : ''} on ${args.vmName} (shown once, only to you)`,
    ),
    [section(text)],
  );
}
