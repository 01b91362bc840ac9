import type { Logger } from '../logger';
import { metrics } from '../metrics';
import { secretKeyPaths } from '../store/redact';
import type { AuditRecords, NewProposal, Proposal, Store, TransitionPatch } from '../store/store';
import { statesLeadingTo, type ExecutionOutcome, type ProposalState } from './states';

// The two-person rule over the store (DESIGN.md "Contract: fixes and approval"). Every step, refused or
// not, appends an audit row, in the same transaction as the change it records; every refusal is a result
// with a code and its data, never a throw. What a result says to a person is in ./messages.

/** The actor of the steps nobody clicked: expiry and recovery. */
export const SYSTEM_ACTOR = 'rdp-doctor';

export const DEFAULT_APPROVALS_REQUIRED = 1;
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;
/**
 * How long an execution's lease lasts without a heartbeat: the running process renews it three times per
 * period, so only a dead process (or one cut off from the store that long) lets it lapse.
 */
export const DEFAULT_EXECUTION_LEASE_MS = 60_000;
/** How long a finished fix keeps trying to record its outcome while the store does not answer. */
export const DEFAULT_FINISH_RETRY_MS = 15 * 60_000;
/**
 * How long one replica owns the re-check owed after an interruption before another may take it over:
 * longer than the slowest check (a Run Command's two minutes) takes.
 */
export const RECHECK_LEASE_MS = 5 * 60_000;
const FINISH_RETRY_PAUSE_MS = 1000;

/**
 * Who may approve (APPROVERS), as read at the click: `unset` means nobody until an admin sets it (fail
 * closed); `any-member` (APPROVERS=*) any member other than the proposer; else a list of Slack user ids, or
 * a predicate when it names a user group resolved elsewhere.
 */
export type ApproverPolicy = 'unset' | 'any-member' | readonly string[] | ((userId: string) => boolean);

export type RefusalCode = Refusal['code'];

/** Refused because of the proposal's state: it is no longer (or not yet) where the step needs it. */
export type StateRefusalCode =
  'expired' | 'not-pending' | 'not-approved' | 'already-claimed' | 'not-executing';

export type Refusal = { ok: false } & (
  | { code: 'not-found'; proposalId: string; proposal: null }
  | { code: 'secret-in-params'; secrets: string[]; proposal: null }
  /** APPROVERS could not be read: `reason` says why, in the words of whoever read it. */
  | { code: 'approvers-unavailable'; reason: string; proposal: Proposal | null }
  | {
      code:
        | 'self-approval'
        | 'approvers-unset'
        | 'not-an-approver'
        | 'wrong-place'
        | 'already-proposed'
        | StateRefusalCode;
      proposal: Proposal;
    }
);

/**
 * Where an approve or deny click came from: a channel message, or the approver's own App Home (a private
 * surface that belongs to no channel). Either counts only from the proposal's channel or an App Home.
 */
export type ApprovalPlace = { surface: 'channel'; channel: string } | { surface: 'home' };

export interface Proposed {
  ok: true;
  proposal: Proposal;
}

export interface ApprovalRecorded {
  ok: true;
  proposal: Proposal;
  /** Distinct approvers so far, first first. */
  approvers: string[];
  /** 0 once the proposal is approved. */
  approvalsNeeded: number;
  /** Listed approvers who have not approved yet; null when APPROVERS is a group or `*` (anyone else may). */
  mayStillApprove: string[] | null;
}

export interface Denied {
  ok: true;
  proposal: Proposal;
  /** The proposer denied their own proposal. */
  withdrawn: boolean;
}

export interface Claimed {
  ok: true;
  proposal: Proposal;
}

export interface Finished {
  ok: true;
  proposal: Proposal;
}

/** A proposal as its proposer asks for it; the workflow sets how many approvals it needs and until when. */
export type NewProposalRequest = Omit<NewProposal, 'approvalsRequired' | 'expiresAt'>;

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
  /** How long an execution's lease lasts between heartbeats before any replica treats it as interrupted. */
  executionLeaseMs?: number;
  /** How long `finish` retries while the store does not answer. */
  finishRetryMs?: number;
  /** Where heartbeat and retry failures are told; they never stop the fix. */
  logger?: Logger;
}

type Step = 'propose' | 'approve' | 'deny' | 'claim' | 'finish';

/** The lease an execution holds while it runs: expired or missing with the proposal still executing = interrupted. */
export function executionLeaseName(proposalId: string): string {
  return `execution:${proposalId}`;
}

const RECHECK_LEASE = 'interruption-recheck:';

/**
 * Written with the interruption and released once the re-check is reported: while it exists the re-check
 * is owed, and when its holder dies before reporting, its expiry lets another replica take it over.
 */
export function recheckLeaseName(proposalId: string): string {
  return `${RECHECK_LEASE}${proposalId}`;
}

export class ApprovalWorkflow {
  private readonly store: Store;
  private readonly clock: () => Date;
  private readonly approvalsRequired: number;
  private readonly approvalTtlMs: number;
  private readonly executionLeaseMs: number;
  private readonly finishRetryMs: number;
  private readonly logger: Logger | undefined;

  constructor(options: WorkflowOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.approvalsRequired = options.approvalsRequired ?? DEFAULT_APPROVALS_REQUIRED;
    this.approvalTtlMs = options.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS;
    this.executionLeaseMs = options.executionLeaseMs ?? DEFAULT_EXECUTION_LEASE_MS;
    this.finishRetryMs = options.finishRetryMs ?? DEFAULT_FINISH_RETRY_MS;
    this.logger = options.logger;
    if (!Number.isInteger(this.approvalsRequired) || this.approvalsRequired < 1) {
      throw new Error(
        `APPROVALS_REQUIRED must be a whole number of at least 1, not ${this.approvalsRequired}.`,
      );
    }
    if (!(this.approvalTtlMs > 0)) {
      throw new Error(`APPROVAL_TTL must be positive, not ${this.approvalTtlMs} ms.`);
    }
  }

  async propose(request: NewProposalRequest): Promise<Proposed | Refusal> {
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
      return { ok: false, code: 'secret-in-params', secrets, proposal: null };
    }
    const proposal = await this.store.transaction(async (tx) => {
      const created = await tx.createProposal({
        ...request,
        approvalsRequired: this.approvalsRequired,
        expiresAt: new Date(this.clock().getTime() + this.approvalTtlMs),
      });
      await audit(tx, 'proposed', created.proposer, created);
      return created;
    });
    countTransition(proposal);
    return { ok: true, proposal };
  }

  async approve(
    proposalId: string,
    approverId: string,
    approvers: ApproverPolicy,
    place?: ApprovalPlace,
  ): Promise<ApprovalRecorded | Refusal> {
    const proposal = await this.store.getProposal(proposalId);
    if (!proposal) return this.notFound('approve', approverId, proposalId);
    if (place && !decidableFrom(proposal, place)) {
      return this.refuse(
        'approve',
        approverId,
        { ok: false, code: 'wrong-place', proposal },
        proposalId,
        placeName(place),
      );
    }
    if (approverId === proposal.proposer) {
      return this.refuse('approve', approverId, { ok: false, code: 'self-approval', proposal });
    }
    if (approvers === 'unset') {
      return this.refuse('approve', approverId, { ok: false, code: 'approvers-unset', proposal });
    }
    if (!isAllowed(approvers, approverId)) {
      return this.refuse('approve', approverId, { ok: false, code: 'not-an-approver', proposal });
    }
    const open = await this.closeIfExpired(proposal);
    if (open.state !== 'proposed') return this.refuseClosed('approve', approverId, open);

    const counted = await this.store.transaction(async (tx) => {
      const added = await tx.addApproval(proposalId, approverId);
      if (added.includes(approverId)) {
        await audit(tx, 'approval-added', approverId, open, {
          detail: `${added.length} of ${open.approvalsRequired}`,
        });
      }
      return added;
    });
    if (!counted.includes(approverId)) {
      // A deny, an expiry or the last approval closed it between our read and our write.
      return this.refuseClosed('approve', approverId, (await this.store.getProposal(proposalId)) ?? open);
    }
    // Counted again after the commit: inside the transaction, approvals committed at the same moment by
    // other clicks are invisible, and with every click seeing only itself none would complete the quorum.
    const approvedBy = await this.store.listApprovers(proposalId);

    const approvalsNeeded = Math.max(0, open.approvalsRequired - approvedBy.length);
    const mayStillApprove = Array.isArray(approvers)
      ? approvers.filter((userId) => userId !== open.proposer && !approvedBy.includes(userId))
      : null;
    if (approvalsNeeded > 0) {
      return { ok: true, proposal: open, approvers: approvedBy, approvalsNeeded, mayStillApprove };
    }

    const approved = await this.advance(proposalId, 'approved', approverId, {
      decidedBy: approverId,
      detail: `approved by ${approvedBy.join(', ')}`,
    });
    // Null: another approver's click completed it at the same moment; this approval still counted.
    const current = approved ?? (await this.store.getProposal(proposalId)) ?? open;
    if (current.state === 'denied' || current.state === 'expired') {
      return this.refuseClosed('approve', approverId, current);
    }
    return { ok: true, proposal: current, approvers: approvedBy, approvalsNeeded: 0, mayStillApprove };
  }

  /**
   * An approval refused before it could be judged, because APPROVERS could not be read: recorded like
   * every other refusal. `reason` says why, for the person who clicked.
   */
  async refuseUnjudgedApproval(proposalId: string, approverId: string, reason: string): Promise<Refusal> {
    const proposal = await this.store.getProposal(proposalId);
    return this.refuse(
      'approve',
      approverId,
      { ok: false, code: 'approvers-unavailable', reason, proposal },
      proposalId,
    );
  }

  /**
   * Anyone in the proposal's channel may deny, an approver from their App Home, and the proposer withdraw:
   * refusing a change is always the safe direction, but not from a channel that never saw the proposal.
   * `from` says where the click came from and who may approve; without it (a test, a script) no place
   * is checked.
   */
  async deny(
    proposalId: string,
    userId: string,
    reason?: string,
    from?: { place: ApprovalPlace; approvers: ApproverPolicy },
  ): Promise<Denied | Refusal> {
    const proposal = await this.store.getProposal(proposalId);
    if (!proposal) return this.notFound('deny', userId, proposalId);
    const misplaced = from ? denyRefusal(proposal, userId, from) : null;
    if (misplaced && from) {
      return this.refuse(
        'deny',
        userId,
        { ok: false, code: misplaced, proposal },
        proposalId,
        placeName(from.place),
      );
    }
    const open = await this.closeIfExpired(proposal);
    if (open.state !== 'proposed') return this.refuseClosed('deny', userId, open);
    const denied = await this.advance(proposalId, 'denied', userId, {
      reason: reason ?? null,
      decidedBy: userId,
      detail: reason ?? null,
    });
    if (!denied) return this.refuseClosed('deny', userId, (await this.store.getProposal(proposalId)) ?? open);
    return { ok: true, proposal: denied, withdrawn: userId === denied.proposer };
  }

  /**
   * Moves an approved proposal to executing. Exactly one caller wins, however many clicks, retries or
   * replicas ask at once; only the winner may run the fix. `holder` names this process for the lease.
   */
  async claimExecution(proposalId: string, holder: string): Promise<Claimed | Refusal> {
    const claimed = await this.store.transaction(async (tx) => {
      const moved = await tx.transition(proposalId, statesLeadingTo('executing'), 'executing');
      if (!moved) return null;
      await tx.acquireLease(executionLeaseName(proposalId), holder, this.executionLeaseMs);
      await audit(tx, 'executing', SYSTEM_ACTOR, moved, { detail: `holder ${holder}` });
      return moved;
    });
    if (claimed) {
      countTransition(claimed);
      return { ok: true, proposal: claimed };
    }
    const current = await this.store.getProposal(proposalId);
    if (!current) return this.notFound('claim', SYSTEM_ACTOR, proposalId);
    return this.refuse(
      'claim',
      SYSTEM_ACTOR,
      { ok: false, code: claimCode(current.state), proposal: current },
      proposalId,
      `holder ${holder}`,
    );
  }

  /**
   * Keeps the execution's lease alive while `holder` runs the fix, renewing it three times per lease period;
   * returns the function that stops it. A beat the store does not answer is logged and the next one tries
   * again, so a short database outage lapses nothing.
   */
  /** How often a running fix renews its lease, and how often replicas look for lapsed ones: a third of the lease. */
  get heartbeatMs(): number {
    return Math.max(10, Math.floor(this.executionLeaseMs / 3));
  }

  keepExecutionAlive(proposalId: string, holder: string): () => void {
    let beating = false;
    let failing = false;
    const beat = async () => {
      if (beating) return;
      beating = true;
      try {
        await this.store.acquireLease(executionLeaseName(proposalId), holder, this.executionLeaseMs);
        if (failing) this.logger?.info({ proposalId, holder }, 'execution heartbeat resumed');
        failing = false;
      } catch (error) {
        failing = true;
        this.logger?.warn({ err: error, proposalId, holder }, 'execution heartbeat failed; retrying');
      } finally {
        beating = false;
      }
    };
    const timer = setInterval(() => void beat(), this.heartbeatMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Records how the execution ended and frees its lease. While the store does not answer (a database
   * outage), it keeps trying for `finishRetryMs`, so an outcome reached during the outage is recorded once
   * the database returns; past that it throws, and the lapsed lease lets a sweep close the proposal.
   */
  async finish(
    proposalId: string,
    holder: string,
    outcome: ExecutionOutcome,
    details: FinishDetails = {},
  ): Promise<Finished | Refusal> {
    const giveUpAt = this.clock().getTime() + this.finishRetryMs;
    for (;;) {
      try {
        return await this.finishOnce(proposalId, holder, outcome, details);
      } catch (error) {
        if (this.clock().getTime() >= giveUpAt) throw error;
        this.logger?.warn({ err: error, proposalId, outcome }, 'recording the fix outcome failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, FINISH_RETRY_PAUSE_MS));
      }
    }
  }

  private async finishOnce(
    proposalId: string,
    holder: string,
    outcome: ExecutionOutcome,
    details: FinishDetails,
  ): Promise<Finished | Refusal> {
    const finished = await this.store.transaction(async (tx) => {
      const moved = await tx.transition(proposalId, statesLeadingTo(outcome), outcome, {
        reason: details.detail ?? null,
      });
      await tx.releaseLease(executionLeaseName(proposalId), holder);
      if (moved) {
        await audit(tx, outcome, SYSTEM_ACTOR, moved, {
          detail: details.detail ?? null,
          correlationId: details.correlationId ?? null,
        });
      }
      return moved;
    });
    if (finished) {
      countTransition(finished);
      return { ok: true, proposal: finished };
    }
    const current = await this.store.getProposal(proposalId);
    if (!current) return this.notFound('finish', SYSTEM_ACTOR, proposalId);
    // The outcome still goes to the audit log: a late finish after an interruption is what really happened.
    return this.refuse(
      'finish',
      SYSTEM_ACTOR,
      { ok: false, code: 'not-executing', proposal: current },
      proposalId,
      `reported ${outcome}`,
      details.correlationId,
    );
  }

  /** Expires every proposal whose time is up; run it on a timer so stale approval buttons close. */
  async expire(): Promise<Proposal[]> {
    const expired = await this.store.transaction(async (tx) => {
      const due = await tx.expireDue(this.clock());
      for (const proposal of due) {
        await audit(tx, 'expired', SYSTEM_ACTOR, proposal, { detail: 'not approved in time' });
      }
      return due;
    });
    expired.forEach(countTransition);
    return expired;
  }

  /**
   * Marks interrupted every execution whose process died or lost the store (its lease lapsed or was never
   * taken), each for exactly one caller however many replicas sweep at once. Such a fix is never re-run on
   * its own: it may or may not have applied, and a person decides what happens next. The caller (`holder`)
   * owes each one a re-check of its cause, written in the same transaction (`claimRechecks`).
   */
  async recoverInterrupted(holder: string): Promise<Proposal[]> {
    const interrupted: Proposal[] = [];
    for (const proposal of await this.store.listProposalsInState(['executing'])) {
      const name = executionLeaseName(proposal.id);
      const lease = await this.store.getLease(name);
      const moved = await this.store.transaction(async (tx) => {
        const row = await tx.transition(proposal.id, ['executing'], 'interrupted', {
          reason: 'rdp-doctor stopped, or lost its database, while the fix was running',
          // The lease is checked again in the move itself: a heartbeat since the read above keeps it running.
          unlessLeaseHeld: { name, now: this.clock() },
        });
        if (!row) return null;
        await audit(tx, 'interrupted', SYSTEM_ACTOR, row, {
          detail: lease ? `lease of ${lease.holder} lapsed at ${lease.expiresAt}` : 'no lease held',
        });
        await tx.acquireLease(recheckLeaseName(row.id), holder, RECHECK_LEASE_MS);
        return row;
      });
      if (moved) interrupted.push(moved);
    }
    return interrupted;
  }

  /**
   * The interrupted proposals whose re-check `holder` now owns: those it interrupted itself, and those
   * whose owner died before reporting (its lease lapsed). Another replica's live claim is left alone.
   */
  async claimRechecks(holder: string): Promise<Proposal[]> {
    const claimed: Proposal[] = [];
    for (const lease of await this.store.listLeases(RECHECK_LEASE)) {
      if (!(await this.store.acquireLease(lease.name, holder, RECHECK_LEASE_MS))) continue;
      const proposal = await this.store.getProposal(lease.name.slice(RECHECK_LEASE.length));
      if (proposal) claimed.push(proposal);
      else await this.store.releaseLease(lease.name, holder);
    }
    return claimed;
  }

  /**
   * Audits what the cause's check said after an interruption (the fix may or may not have run) and
   * settles the re-check, in one transaction.
   */
  async recordRecheck(proposal: Proposal, holder: string, detail: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await audit(tx, 'rechecked-after-interruption', SYSTEM_ACTOR, proposal, { detail });
      await tx.releaseLease(recheckLeaseName(proposal.id), holder);
    });
  }

  /**
   * One row of the state table and its audit row, in one transaction: null when someone else moved the
   * proposal first (then nothing is audited).
   */
  private async advance(
    proposalId: string,
    to: ProposalState,
    actor: string,
    change: TransitionPatch & { detail?: string | null } = {},
  ): Promise<Proposal | null> {
    const { detail, ...patch } = change;
    const moved = await this.store.transaction(async (tx) => {
      const row = await tx.transition(proposalId, statesLeadingTo(to), to, patch);
      if (row) await audit(tx, to, actor, row, { detail: detail ?? null });
      return row;
    });
    if (moved) countTransition(moved);
    return moved;
  }

  /** A proposal past its time is expired on the spot, so nobody approves it before the sweep runs. */
  private async closeIfExpired(proposal: Proposal): Promise<Proposal> {
    if (proposal.state !== 'proposed' || Date.parse(proposal.expiresAt) > this.clock().getTime()) {
      return proposal;
    }
    const expired = await this.advance(proposal.id, 'expired', SYSTEM_ACTOR, {
      detail: 'not approved in time',
    });
    return expired ?? (await this.store.getProposal(proposal.id)) ?? proposal;
  }

  private notFound(step: Step, actor: string, proposalId: string): Promise<Refusal> {
    return this.refuse(step, actor, { ok: false, code: 'not-found', proposalId, proposal: null }, proposalId);
  }

  private refuseClosed(step: Step, actor: string, proposal: Proposal): Promise<Refusal> {
    const code = proposal.state === 'expired' ? 'expired' : 'not-pending';
    return this.refuse(step, actor, { ok: false, code, proposal });
  }

  private async refuse(
    step: Step,
    actor: string,
    refusal: Refusal,
    proposalId = refusal.proposal?.id ?? null,
    detail?: string,
    correlationId?: string,
  ): Promise<Refusal> {
    const { proposal, code } = refusal;
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
    return refusal;
  }
}

/** The audit row of a step that moved `proposal`, written with the move. */
async function audit(
  tx: AuditRecords,
  action: string,
  actor: string,
  proposal: Proposal,
  extra: { detail?: string | null; correlationId?: string | null } = {},
): Promise<void> {
  await tx.appendAudit({
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

/** Where a proposal may be approved or denied: its own channel, or an approver's App Home. */
export function decidableFrom(proposal: Proposal, place: ApprovalPlace): boolean {
  return place.surface === 'home' || (proposal.channel !== null && place.channel === proposal.channel);
}

/**
 * Why `userId` may not deny from there, or null: a channel that is not the proposal's, or an App Home of
 * someone who could not approve (an App Home belongs to no channel, so there only approvers and the
 * proposer decide).
 */
export function denyRefusal(
  proposal: Proposal,
  userId: string,
  from: { place: ApprovalPlace; approvers: ApproverPolicy },
): 'wrong-place' | 'not-an-approver' | null {
  if (!decidableFrom(proposal, from.place)) return 'wrong-place';
  if (from.place.surface === 'home' && userId !== proposal.proposer && !isAllowed(from.approvers, userId)) {
    return 'not-an-approver';
  }
  return null;
}

function placeName(place: ApprovalPlace): string {
  return place.surface === 'channel' ? `from ${place.channel}` : 'from App Home';
}

/** Whether APPROVERS lets `userId` approve (the proposer is refused separately); unset lets nobody. */
export function isAllowed(approvers: ApproverPolicy, userId: string): boolean {
  if (approvers === 'unset') return false;
  if (approvers === 'any-member') return true;
  return typeof approvers === 'function' ? approvers(userId) : approvers.includes(userId);
}

function claimCode(state: ProposalState): StateRefusalCode {
  return state === 'proposed' || state === 'denied' || state === 'expired'
    ? 'not-approved'
    : 'already-claimed';
}

/** Counted once the transaction commits, so a rolled-back step never shows on the dashboard. */
function countTransition(proposal: Proposal): void {
  metrics.proposals.inc({ state: proposal.state });
  if (proposal.state === 'succeeded' || proposal.state === 'failed' || proposal.state === 'interrupted') {
    metrics.fixOutcomes.inc({ fix: proposal.fixId, outcome: proposal.state });
  }
}
