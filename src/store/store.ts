import type { ProposalState } from './proposal-state';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { Facts } from '../diagnosis/facts';
import type { Report, Verdict } from '../diagnosis/report';

// The persistence the app needs, one typed async interface over SQLite or PostgreSQL (DESIGN.md "Store").
// Times in records are ISO 8601 UTC strings.

export type JsonObject = { [key: string]: unknown };

/** Where the proposal's Slack message lives, so it can be updated as the proposal moves. */
export interface MessageRef {
  channel: string | null;
  messageTs: string | null;
  threadTs: string | null;
}

export interface NewProposal extends Partial<MessageRef> {
  vmId: string;
  vmName: string;
  fixId: FixId;
  cause: CauseId;
  /** Validated fix parameters. Never secrets: a generated password is never a parameter. */
  params: JsonObject;
  /** What the fix will change, in one sentence (the plan's). */
  description?: string;
  /** From the signed Slack payload (or the signed-in user), never from message text. */
  proposer: string;
  approvalsRequired: number;
  expiresAt: Date;
}

export interface Proposal extends MessageRef {
  id: string;
  vmId: string;
  vmName: string;
  fixId: FixId;
  cause: CauseId;
  params: JsonObject;
  /** What the fix will change, in one sentence; empty when none was given. */
  description: string;
  proposer: string;
  approvalsRequired: number;
  state: ProposalState;
  /** Why it ended where it did: the denier's reason, the failure, the interruption. */
  reason: string | null;
  /** Who decided it: the approver whose approval completed it, or who denied (or withdrew) it. */
  decidedBy: string | null;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  /** Bumped by every change, so a renderer can tell a newer row from an older one. */
  version: number;
}

export interface TransitionPatch {
  reason?: string | null;
  decidedBy?: string;
  /**
   * Moves it only if nobody holds this lease at `now` (lapsed, released or never taken), checked in the same
   * statement: a holder that renews its lease at the last moment keeps its proposal.
   */
  unlessLeaseHeld?: { name: string; now: Date };
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  proposalId?: string | null;
  vmId?: string | null;
  fixId?: string | null;
  /** Redacted by the store before it is written. */
  params?: JsonObject | null;
  /** The ARM correlation id of the call the step made, when it made one. */
  correlationId?: string | null;
  detail?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  proposalId: string | null;
  vmId: string | null;
  fixId: string | null;
  params: JsonObject | null;
  correlationId: string | null;
  detail: string | null;
}

export interface NewDigestSubscription {
  channel: string;
  /** A cron expression, read in `timezone`. */
  schedule: string;
  /** An IANA zone name, e.g. Europe/Paris. */
  timezone: string;
  /** Which machines the digest covers (subscriptions, resource groups, tags); the digest owns its shape. */
  scope: JsonObject;
  createdBy: string;
}

export interface DigestSubscription extends NewDigestSubscription {
  id: string;
  createdAt: string;
  /** The previous digest's findings, so the next one can say what changed. */
  lastReport: JsonObject | null;
}

export type DigestSubscriptionPatch = Partial<
  Pick<DigestSubscription, 'schedule' | 'timezone' | 'scope' | 'lastReport'>
>;

export interface NewWatch {
  channel: string;
  /** Which machines the watch covers, in the digest's scope shape. */
  scope: JsonObject;
  /** Where people connect from: addresses or CIDR ranges. */
  sources: string[];
  createdBy: string;
  /** The activity log is read from here on. */
  cursor: string;
}

export interface Watch extends NewWatch {
  id: string;
  createdAt: string;
  /** `<vm id>|<source>` pairs that reached the dialed port at the last tick; null before the first. */
  reachable: string[] | null;
}

export interface NewWatchAlert {
  watchId: string;
  /** The change's ARM correlation id: the same through the activity log and Event Grid. */
  changeId: string;
  channel: string;
  /** Lower-case ids of the machines the change cut off. */
  cutOff: string[];
  /** What the alert says about the change, for redrawing it. */
  detail: JsonObject;
}

export interface WatchAlert extends NewWatchAlert {
  messageTs: string | null;
  state: 'open' | 'recovered';
  createdAt: string;
}

export interface NewSnapshot {
  /** The diagnosis run's id: what fix buttons and the symptom picker carry. */
  runId: string;
  vmId: string;
  /** Who asked for the run (Slack user ids). */
  requestedBy: string[];
  /** The facts behind the report, for fix plans (which rule, which process); null when not kept. */
  facts: Facts | null;
  channel: string | null;
  messageTs: string | null;
  report: Report;
  /**
   * False while the run is still gathering: the report holds the layers done so far, so that a fix button
   * shown with them can be acted on at once. The finished run replaces it. Absent: finished.
   */
  complete?: boolean;
}

export interface Snapshot extends NewSnapshot {
  complete: boolean;
  id: number;
  createdAt: string;
}

/** A snapshot without its facts: what a summary of many runs reads. */
export type SnapshotSummary = Omit<Snapshot, 'facts'>;

export const DIAGNOSIS_RUN_STATES = ['running', 'finished', 'abandoned'] as const;
export type DiagnosisRunState = (typeof DIAGNOSIS_RUN_STATES)[number];

export interface NewDiagnosisRun {
  runId: string;
  /** Where the run's message is. */
  channel: string;
  messageTs: string;
  /** What was asked for (`/rdp <target>`), to say what to run again. */
  target: string;
  /** The process running it. */
  holder: string;
}

export interface DiagnosisRun extends NewDiagnosisRun {
  state: DiagnosisRunState;
  startedAt: string;
  /** Past this while still running, its process is taken for dead. */
  expiresAt: string;
}

export interface Lease {
  name: string;
  holder: string;
  expiresAt: string;
}

export interface AuditFilter {
  vmId?: string;
  proposalId?: string;
}

/** Fix proposals and their approvals. */
export interface ProposalRecords {
  createProposal(proposal: NewProposal): Promise<Proposal>;
  getProposal(id: string): Promise<Proposal | null>;
  /** The machine's proposals, newest first. */
  listProposals(vmId: string): Promise<Proposal[]>;
  listProposalsInState(states: readonly ProposalState[]): Promise<Proposal[]>;
  setProposalMessage(id: string, message: MessageRef): Promise<Proposal | null>;
  /**
   * Records `approver`'s approval while the proposal is still `proposed`; the same person twice counts once.
   * Returns the distinct approvers, first first: `approver` is missing when the proposal had left `proposed`.
   */
  addApproval(proposalId: string, approver: string): Promise<string[]>;
  listApprovers(proposalId: string): Promise<string[]>;
  /**
   * Moves the proposal to `to` only if its state is one of `from`, in one conditional UPDATE, and returns
   * the updated row, or null when it was not in `from` (someone else moved it first) or does not exist.
   */
  transition(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch?: TransitionPatch,
  ): Promise<Proposal | null>;
  /** Moves every `proposed` proposal whose time is up to `expired` and returns them. */
  expireDue(now: Date): Promise<Proposal[]>;
  /** Proposals created at or after `since`, newest first, at most `limit`: the digest's fixes of the period. */
  listProposalsSince(since: Date, limit: number): Promise<Proposal[]>;
}

/** The append-only audit log. */
export interface AuditRecords {
  /** Appends one row; the audit log has no update or delete. */
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Oldest first. */
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;
}

/** Channels' digest subscriptions and the claims on their scheduled runs. */
export interface DigestRecords {
  createSubscription(subscription: NewDigestSubscription): Promise<DigestSubscription>;
  getSubscription(id: string): Promise<DigestSubscription | null>;
  listSubscriptions(channel?: string): Promise<DigestSubscription[]>;
  updateSubscription(id: string, patch: DigestSubscriptionPatch): Promise<DigestSubscription | null>;
  /** Returns whether it existed. */
  deleteSubscription(id: string): Promise<boolean>;
  /** True for exactly one caller per (subscription, scheduled time), whichever replica asks first. */
  claimDigestRun(subscriptionId: string, fireAt: Date, holder: string): Promise<boolean>;
}

/** Channels' watches, their cursors, and the one alert per change that keeps N replicas to one post. */
export interface WatchRecords {
  createWatch(watch: NewWatch): Promise<Watch>;
  listWatches(channel?: string): Promise<Watch[]>;
  /** Returns whether it existed. */
  deleteWatch(id: string): Promise<boolean>;
  /** Moves the cursor and remembers what was reachable; null when the watch is gone. */
  advanceWatch(id: string, cursor: string, reachable: string[]): Promise<Watch | null>;
  /** True for exactly one caller per tick time, whichever replica asks first. */
  claimWatchTick(fireAt: Date, holder: string): Promise<boolean>;
  /** Records the alert for the change unless one exists; true for exactly one caller. */
  claimWatchAlert(alert: NewWatchAlert): Promise<boolean>;
  setWatchAlertMessage(watchId: string, changeId: string, messageTs: string): Promise<void>;
  /** The watch's alerts still open, oldest first. */
  listOpenWatchAlerts(watchId: string): Promise<WatchAlert[]>;
  /** Marks it recovered; true for the one caller that moved it. */
  recoverWatchAlert(watchId: string, changeId: string, detail: JsonObject): Promise<boolean>;
}

/** Finished diagnoses: their report and the facts behind it. */
export interface SnapshotRecords {
  /** Saves the run's snapshot, replacing the one saved for it before (an unfinished run's). */
  saveSnapshot(snapshot: NewSnapshot): Promise<Snapshot>;
  /** The run's snapshot, finished or not. */
  getSnapshot(runId: string): Promise<Snapshot | null>;
  /** The run whose message is at `messageTs` in `channel`: where its proposals are threaded. */
  findSnapshotByMessage(channel: string, messageTs: string): Promise<Snapshot | null>;
  /** The VM's newest finished run. */
  latestSnapshot(vmId: string): Promise<Snapshot | null>;
  /** Finished runs saved at or after `since`, newest first, at most `limit`: the digest's diagnoses of the period. */
  listSnapshotsSince(since: Date, limit: number): Promise<SnapshotSummary[]>;
  /** The runs `user` asked for or joined, newest first, at most `limit`: their App Home's list. */
  listRecentDiagnoses(user: string, limit: number): Promise<RecentDiagnosis[]>;
}

/** One line of a person's recent diagnoses: only what a list line needs of the run's report. */
export interface RecentDiagnosis {
  runId: string;
  vmId: string;
  vmName: string;
  channel: string | null;
  messageTs: string | null;
  verdict: Verdict;
  createdAt: string;
}

/** Diagnoses still running, so that a run whose process died gets its message closed. */
export interface DiagnosisRunRecords {
  /** Records a run whose message is posted, held by `holder` for at most `ttlMs`. */
  startDiagnosisRun(run: NewDiagnosisRun, ttlMs: number): Promise<void>;
  /** Marks the run finished (verdict or failure posted); false when it was not running any more. */
  finishDiagnosisRun(runId: string): Promise<boolean>;
  /**
   * Marks abandoned every run still running past its time and returns them, each to exactly one caller
   * however many replicas ask at once: that caller closes its message.
   */
  abandonOverdueRuns(now: Date): Promise<DiagnosisRun[]>;
}

/** Named, expiring leases: who holds what, for how long. */
export interface LeaseRecords {
  /** Takes the named lease for `ttlMs`, or renews it for its holder; false while someone else holds it. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Null when nobody ever took it or it was released; an expired lease is returned with its old expiry. */
  getLease(name: string): Promise<Lease | null>;
  /** Every lease whose name starts with `prefix`, held or expired, oldest expiry first. */
  listLeases(prefix: string): Promise<Lease[]>;
  /** Forgets the expired leases whose name starts with `prefix`; returns how many. */
  deleteExpiredLeases(prefix: string): Promise<number>;
  /** Releases the lease only if `holder` holds it. */
  releaseLease(name: string, holder: string): Promise<void>;
}

/** Everything one transaction may read and write. */
export type StoreRecords = ProposalRecords &
  AuditRecords &
  DigestRecords &
  WatchRecords &
  SnapshotRecords &
  DiagnosisRunRecords &
  LeaseRecords;

export interface Store extends StoreRecords {
  /**
   * Runs `work` in one transaction: what it writes through `tx` is committed together when it resolves,
   * and none of it when it throws or the process dies first. Use only `tx` inside.
   */
  transaction<T>(work: (tx: StoreRecords) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
