import type { Proposal } from '../store/store';
import type { ApprovalRecorded, Denied, Refusal } from './workflow';

// What the workflow's results say to the person who clicked, in plain words. The workflow decides and
// returns codes with their data; the sentences live here, so every surface (Slack, CLI) says the same.

function utcTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Why a proposal no longer takes approvals or denials, in the words the person who clicked reads. */
function whyClosed(proposal: Proposal): string {
  switch (proposal.state) {
    case 'proposed':
      return 'This fix is still waiting for approval.';
    case 'approved':
      return 'This fix is already approved; it runs once.';
    case 'denied':
      return `This fix was denied${proposal.reason ? ` (${proposal.reason})` : ''}; it will not run. Propose it again if it is still needed.`;
    case 'expired':
      return `This proposal expired at ${utcTime(proposal.expiresAt)} before it was approved; run the diagnosis again to propose the fix.`;
    case 'executing':
      return 'This fix is already running.';
    case 'succeeded':
      return 'This fix already ran and succeeded.';
    case 'failed':
      return 'This fix already ran and failed; check the audit log, then propose it again if the cause still holds.';
    case 'no-longer-needed':
      return 'This fix did not run: its cause was already gone when it was about to.';
    case 'interrupted':
      return 'This fix was interrupted when rdp-doctor stopped mid-run; check the VM, then propose it again if the cause still holds.';
  }
}

export function refusalMessage(refusal: Refusal): string {
  switch (refusal.code) {
    case 'not-found':
      return `No fix proposal ${refusal.proposalId} exists; run the diagnosis again to propose the fix.`;
    case 'secret-in-params':
      return (
        `The fix parameters name secrets (${refusal.secrets.join(', ')}), which would be stored and shown to approvers; ` +
        'a fix generates its secrets when it runs.'
      );
    case 'self-approval':
      return 'You proposed this fix; a second person must approve it.';
    case 'approvers-unset':
      return (
        'Your approval was not recorded: nobody may approve fixes until an admin sets APPROVERS ' +
        '(Slack user or user group ids, or * for any member other than the proposer).'
      );
    case 'not-an-approver':
      return 'You are not one of the approvers set in APPROVERS, so your decision was not recorded; ask one of them to approve or deny this fix.';
    case 'approvers-unavailable':
      return refusal.reason;
    case 'wrong-place':
      return refusal.proposal.channel
        ? `This fix was proposed in another channel (${refusal.proposal.channel}): approve or deny it there, where the channel sees it.`
        : 'This fix belongs to no channel: approve or deny it from the rdp-doctor App Home.';
    case 'already-proposed':
      return alreadyProposed(refusal.proposal);
    case 'expired':
    case 'not-pending':
    case 'not-approved':
    case 'already-claimed':
    case 'not-executing':
      return whyClosed(refusal.proposal);
  }
}

/** Where the same change already waits, so the person goes there instead of starting a second one. */
function alreadyProposed(open: Proposal): string {
  // Plain text: a private answer shows no channel links, so the place is said in words.
  const where = open.threadTs ? 'in the thread below the report' : `as proposal ${open.id}`;
  return (
    `The same fix is already proposed ${where} (${open.state}, expires ${utcTime(open.expiresAt)}): ` +
    'approve or deny that proposal instead of proposing it twice.'
  );
}

function whoMayStillApprove(mayStillApprove: string[] | null, needed: number): string {
  if (mayStillApprove === null) return 'from another person (not the proposer)';
  if (mayStillApprove.length < needed) {
    return (
      `but only ${plural(mayStillApprove.length, 'listed approver')} ${mayStillApprove.length === 1 ? 'has' : 'have'} ` +
      'not approved yet: widen APPROVERS or lower APPROVALS_REQUIRED, then propose again'
    );
  }
  return `from ${mayStillApprove.length === 1 ? 'the one listed approver' : 'one of the listed approvers'} who ${mayStillApprove.length === 1 ? 'has' : 'have'} not approved yet`;
}

export function approvalMessage(recorded: ApprovalRecorded): string {
  const { approvers, approvalsNeeded, mayStillApprove, proposal } = recorded;
  if (approvalsNeeded > 0) {
    return (
      `Approval recorded (${approvers.length} of ${proposal.approvalsRequired}); ` +
      `${plural(approvalsNeeded, 'more approval')} needed, ${whoMayStillApprove(mayStillApprove, approvalsNeeded)}.`
    );
  }
  return `Approved (${approvers.length} of ${proposal.approvalsRequired} approvals); the fix can run.`;
}

export function denialMessage({ proposal, withdrawn }: Denied): string {
  return `${withdrawn ? 'Withdrawn' : 'Denied'}: ${proposal.fixId} will not run on ${proposal.vmName}.`;
}
