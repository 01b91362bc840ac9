import type { CauseId, FixId } from '../diagnosis/ids';
import { secretKeyPaths } from '../store/redact';
import type { JsonObject, MessageRef, Proposal, Store, TransitionPatch } from '../store/store';
import { statesLeadingTo, type ExecutionOutcome, type ProposalState } from './states';

// The two-person rule over the store (DESIGN.md "Contract: fixes and approval"). Every step, refused or
// not, appends an audit row; every refusal is a result with a code and a sentence, never a throw.

/** The actor of the steps nobody clicked: expiry and recovery. */
export const SYSTEM_ACTOR = 'rdp-doctor';

export const DEFAULT_APPROVALS_REQUIRED = 1;
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;
/** Longer than the slowest fix (a restart's long-running operation plus its verification). */
export const DEFAULT_EXECUTION_LEASE_MS = 30 * 60_000;

/**
 * Who may approve (APPROVERS): a list of Slack user ids, or a predicate when it names a user group resolved
 * elsewhere; null when unset, meaning any member other than the proposer.
 */
export type ApproverPolicy = readonly string[] | ((userId: string) => boolean) | null;

export type RefusalCode =
  | 'not-found'
  | 'secret-in-params'
  | 'self-approval'
  | 'not-an-approver'
  | 'expired'
  | 'not-pending'
  | 'not-approved'
  | 'already-claimed'
  | 'not-executing';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message: string;
  proposal: Proposal | null;
}

export interface Done {
  ok: true;
  proposal: Proposal;
  message: string;
}

export interface ApprovalRecorded extends Done {
  /** Distinct approvers so far, first first. */
  approvers: string[];
  /** 0 once the proposal is approved. */
  approvalsNeeded: number;
  /** Listed approvers who have not approved yet; null when APPROVERS is a group or unset (anyone else may). */
  mayStillApprove: string[] | null;
}

export interface NewProposalRequest extends Partial<MessageRef> {
  vmId: string;
  vmName: string;
  fixId: FixId;
  cause: CauseId;
  params: JsonObject;
  /** What the fix will change, in one sentence. */
  description?: string;
  /** From the signed Slack payload, never from message text. */
  proposer: string;
}

export interface FinishDetails {
  /** What the verification found, or why it failed. */
  detail?: string;
  /** The ARM correlation id of the fix's call. */
  correlationId?: string;
}

export interface WorkflowOptions {
  store: Store;
  clock: () => Date;
  /** APPROVALS_REQUIRED: distinct approvers, none of them the proposer. */
  approvalsRequired?: number;
  /** APPROVAL_TTL: how long a proposal waits for approval. */
  approvalTtlMs?: number;
  /** How long an execution may run before a restart treats it as interrupted. */
  executionLeaseMs?: number;
}

type Step = 'propose' | 'approve' | 'deny' | 'claim' | 'finish';

/** The lease an execution holds while it runs: expired or missing with the proposal still executing = interrupted. */
export function executionLeaseName(proposalId: string): string {
  return `execution:${proposalId}`;
}

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

function notFound(proposalId: string): string {
  return `No fix proposal ${proposalId} exists; run the diagnosis again to propose the fix.`;
}

export class ApprovalWorkflow {
  private readonly store: Store;
  private readonly clock: () => Date;
  private readonly approvalsRequired: number;
  private readonly approvalTtlMs: number;
  private readonly executionLeaseMs: number;

  constructor(options: WorkflowOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.approvalsRequired = options.approvalsRequired ?? DEFAULT_APPROVALS_REQUIRED;
    this.approvalTtlMs = options.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS;
    this.executionLeaseMs = options.executionLeaseMs ?? DEFAULT_EXECUTION_LEASE_MS;
    if (!Number.isInteger(this.approvalsRequired) || this.approvalsRequired < 1) {
      throw new Error(
        `APPROVALS_REQUIRED must be a whole number of at least 1, not ${this.approvalsRequired}.`,
      );
    }
    if (!(this.approvalTtlMs > 0)) {
      throw new Error(`APPROVAL_TTL must be positive, not ${this.approvalTtlMs} ms.`);
    }
  }

  async propose(request: NewProposalRequest): Promise<Done | Refusal> {
    const secrets = secretKeyPaths(request.params);
    if (secrets.length) {
      await this.store.appendAudit({
        actor: request.proposer,
        action: 'propose-refused',
        vmId: request.vmId,
        fixId: request.fixId,
        params: request.params,
        detail: 'secret-in-params',
      });
      return {
        ok: false,
        code: 'secret-in-params',
        message:
          `The fix parameters name secrets (${secrets.join(', ')}), which would be stored and shown to approvers; ` +
          'a fix generates its secrets when it runs.',
        proposal: null,
      };
    }
    const proposal = await this.store.createProposal({
      ...request,
      approvalsRequired: this.approvalsRequired,
      expiresAt: new Date(this.clock().getTime() + this.approvalTtlMs),
    });
    await this.audit('proposed', proposal.proposer, proposal);
    return {
      ok: true,
      proposal,
      message:
        `Proposed ${proposal.fixId} on ${proposal.vmName}: it needs ${plural(proposal.approvalsRequired, 'approval')} ` +
        `from someone other than the proposer before ${utcTime(proposal.expiresAt)}.`,
    };
  }

  async approve(
    proposalId: string,
    approverId: string,
    approvers: ApproverPolicy,
  ): Promise<ApprovalRecorded | Refusal> {
    const proposal = await this.store.getProposal(proposalId);
    if (!proposal) {
      return this.refuse('approve', approverId, proposalId, null, 'not-found', notFound(proposalId));
    }
    if (approverId === proposal.proposer) {
      return this.refuse(
        'approve',
        approverId,
        proposalId,
        proposal,
        'self-approval',
        'You proposed this fix; a second person must approve it.',
      );
    }
    if (!isAllowed(approvers, approverId)) {
      return this.refuse(
        'approve',
        approverId,
        proposalId,
        proposal,
        'not-an-approver',
        'You are not one of the approvers set in APPROVERS; ask one of them to approve this fix.',
      );
    }
    const open = await this.closeIfExpired(proposal);
    if (open.state !== 'proposed') return this.refuseClosed('approve', approverId, open);

    const approvedBy = await this.store.addApproval(proposalId, approverId);
    if (!approvedBy.includes(approverId)) {
      // A deny, an expiry or the last approval closed it between our read and our write.
      return this.refuseClosed('approve', approverId, (await this.store.getProposal(proposalId)) ?? open);
    }
    await this.audit('approval-added', approverId, open, {
      detail: `${approvedBy.length} of ${open.approvalsRequired}`,
    });

    const approvalsNeeded = Math.max(0, open.approvalsRequired - approvedBy.length);
    const mayStillApprove = Array.isArray(approvers)
      ? approvers.filter((userId) => userId !== open.proposer && !approvedBy.includes(userId))
      : null;
    if (approvalsNeeded > 0) {
      return {
        ok: true,
        proposal: open,
        approvers: approvedBy,
        approvalsNeeded,
        mayStillApprove,
        message:
          `Approval recorded (${approvedBy.length} of ${open.approvalsRequired}); ` +
          `${plural(approvalsNeeded, 'more approval')} needed, ${whoMayStillApprove(mayStillApprove, approvalsNeeded)}.`,
      };
    }

    const approved = await this.advance(proposalId, 'approved');
    if (approved) {
      await this.audit('approved', approverId, approved, { detail: `approved by ${approvedBy.join(', ')}` });
    }
    // Null: another approver's click completed it at the same moment; this approval still counted.
    const current = approved ?? (await this.store.getProposal(proposalId)) ?? open;
    if (current.state === 'denied' || current.state === 'expired') {
      return this.refuseClosed('approve', approverId, current);
    }
    return {
      ok: true,
      proposal: current,
      approvers: approvedBy,
      approvalsNeeded: 0,
      mayStillApprove,
      message: `Approved (${approvedBy.length} of ${open.approvalsRequired} approvals); the fix can run.`,
    };
  }

  /** Anyone may deny (or the proposer withdraw): refusing a change is always the safe direction. */
  async deny(proposalId: string, userId: string, reason?: string): Promise<Done | Refusal> {
    const proposal = await this.store.getProposal(proposalId);
    if (!proposal) return this.refuse('deny', userId, proposalId, null, 'not-found', notFound(proposalId));
    const open = await this.closeIfExpired(proposal);
    if (open.state !== 'proposed') return this.refuseClosed('deny', userId, open);
    const denied = await this.advance(proposalId, 'denied', { reason: reason ?? null });
    if (!denied) return this.refuseClosed('deny', userId, (await this.store.getProposal(proposalId)) ?? open);
    await this.audit('denied', userId, denied, { detail: reason ?? null });
    const verb = userId === denied.proposer ? 'Withdrawn' : 'Denied';
    return {
      ok: true,
      proposal: denied,
      message: `${verb}: ${denied.fixId} will not run on ${denied.vmName}.`,
    };
  }

  /**
   * Moves an approved proposal to executing. Exactly one caller wins, however many clicks, retries or
   * replicas ask at once; only the winner may run the fix. `holder` names this process for the lease.
   */
  async claimExecution(proposalId: string, holder: string): Promise<Done | Refusal> {
    const claimed = await this.advance(proposalId, 'executing');
    if (!claimed) {
      const current = await this.store.getProposal(proposalId);
      if (!current) {
        return this.refuse('claim', SYSTEM_ACTOR, proposalId, null, 'not-found', notFound(proposalId));
      }
      const code = claimCode(current.state);
      return this.refuse(
        'claim',
        SYSTEM_ACTOR,
        proposalId,
        current,
        code,
        whyClosed(current),
        `holder ${holder}`,
      );
    }
    await this.store.acquireLease(executionLeaseName(proposalId), holder, this.executionLeaseMs);
    await this.audit('executing', SYSTEM_ACTOR, claimed, { detail: `holder ${holder}` });
    return { ok: true, proposal: claimed, message: `Running ${claimed.fixId} on ${claimed.vmName}.` };
  }

  /** Records how the execution ended and frees its lease. */
  async finish(
    proposalId: string,
    holder: string,
    outcome: ExecutionOutcome,
    details: FinishDetails = {},
  ): Promise<Done | Refusal> {
    const finished = await this.advance(proposalId, outcome, { reason: details.detail ?? null });
    await this.store.releaseLease(executionLeaseName(proposalId), holder);
    if (!finished) {
      const current = await this.store.getProposal(proposalId);
      if (!current) {
        return this.refuse('finish', SYSTEM_ACTOR, proposalId, null, 'not-found', notFound(proposalId));
      }
      // The outcome still goes to the audit log: a late finish after an interruption is what really happened.
      return this.refuse(
        'finish',
        SYSTEM_ACTOR,
        proposalId,
        current,
        'not-executing',
        whyClosed(current),
        `reported ${outcome}`,
        details.correlationId,
      );
    }
    await this.audit(outcome, SYSTEM_ACTOR, finished, {
      detail: details.detail ?? null,
      correlationId: details.correlationId ?? null,
    });
    return { ok: true, proposal: finished, message: `${finished.fixId} on ${finished.vmName}: ${outcome}.` };
  }

  /** Expires every proposal whose time is up; run it on a timer so stale approval buttons close. */
  async expire(): Promise<Proposal[]> {
    const expired = await this.store.expireDue(this.clock());
    for (const proposal of expired)
      await this.audit('expired', SYSTEM_ACTOR, proposal, { detail: 'not approved in time' });
    return expired;
  }

  /**
   * Marks interrupted every execution whose process died (its lease lapsed or was never taken). Such a
   * fix is never re-run on its own: it may have half-applied, and a person decides what happens next.
   */
  async recoverInterrupted(): Promise<Proposal[]> {
    const now = this.clock().getTime();
    const interrupted: Proposal[] = [];
    for (const proposal of await this.store.listProposalsInState(['executing'])) {
      const lease = await this.store.getLease(executionLeaseName(proposal.id));
      if (lease && Date.parse(lease.expiresAt) > now) continue;
      const moved = await this.advance(proposal.id, 'interrupted', {
        reason: 'rdp-doctor stopped while the fix was running',
      });
      if (!moved) continue;
      await this.audit('interrupted', SYSTEM_ACTOR, moved, {
        detail: lease ? `lease of ${lease.holder} lapsed` : 'no lease held',
      });
      interrupted.push(moved);
    }
    return interrupted;
  }

  /** One row of the state table, applied atomically: null when someone else moved the proposal first. */
  private advance(proposalId: string, to: ProposalState, patch?: TransitionPatch): Promise<Proposal | null> {
    return this.store.transition(proposalId, statesLeadingTo(to), to, patch);
  }

  /** A proposal past its time is expired on the spot, so nobody approves it before the sweep runs. */
  private async closeIfExpired(proposal: Proposal): Promise<Proposal> {
    if (proposal.state !== 'proposed' || Date.parse(proposal.expiresAt) > this.clock().getTime()) {
      return proposal;
    }
    const expired = await this.advance(proposal.id, 'expired');
    if (expired) await this.audit('expired', SYSTEM_ACTOR, expired, { detail: 'not approved in time' });
    return expired ?? (await this.store.getProposal(proposal.id)) ?? proposal;
  }

  private refuseClosed(step: Step, actor: string, proposal: Proposal): Promise<Refusal> {
    const code: RefusalCode = proposal.state === 'expired' ? 'expired' : 'not-pending';
    return this.refuse(step, actor, proposal.id, proposal, code, whyClosed(proposal));
  }

  private async refuse(
    step: Step,
    actor: string,
    proposalId: string,
    proposal: Proposal | null,
    code: RefusalCode,
    message: string,
    detail?: string,
    correlationId?: string,
  ): Promise<Refusal> {
    await this.store.appendAudit({
      actor,
      action: `${step}-refused`,
      proposalId,
      vmId: proposal?.vmId ?? null,
      fixId: proposal?.fixId ?? null,
      params: proposal?.params ?? null,
      correlationId: correlationId ?? null,
      detail: detail ? `${code}: ${detail}` : code,
    });
    return { ok: false, code, message, proposal };
  }

  private async audit(
    action: string,
    actor: string,
    proposal: Proposal,
    extra: { detail?: string | null; correlationId?: string | null } = {},
  ): Promise<void> {
    await this.store.appendAudit({
      actor,
      action,
      proposalId: proposal.id,
      vmId: proposal.vmId,
      fixId: proposal.fixId,
      params: proposal.params,
      correlationId: extra.correlationId ?? null,
      detail: extra.detail ?? null,
    });
  }
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

/** Whether APPROVERS lets `userId` approve (the proposer is refused separately). */
export function isAllowed(approvers: ApproverPolicy, userId: string): boolean {
  if (approvers === null) return true;
  return typeof approvers === 'function' ? approvers(userId) : approvers.includes(userId);
}

function claimCode(state: ProposalState): RefusalCode {
  return state === 'proposed' || state === 'denied' || state === 'expired'
    ? 'not-approved'
    : 'already-claimed';
}
