import { randomUUID } from 'node:crypto';
import type { ProposalState } from '../approvals/states';
import type { CauseId, FixId } from '../diagnosis/ids';
import type { Facts } from '../diagnosis/facts';
import type { Report } from '../diagnosis/report';
import type { Db, SqlValue } from './db';
import { recentDiagnosesOf } from './recent-diagnoses';
import { redact } from './redact';
import type {
  AuditEntry,
  AuditFilter,
  DigestSubscription,
  DigestSubscriptionPatch,
  JsonObject,
  Lease,
  MessageRef,
  NewAuditEntry,
  NewDigestSubscription,
  NewProposal,
  NewSnapshot,
  Proposal,
  Snapshot,
  SnapshotSummary,
  Store,
  TransitionPatch,
} from './store';

// The Store, written once: every query below runs unchanged on SQLite and PostgreSQL.

interface ProposalRow {
  id: string;
  vm_id: string;
  vm_name: string;
  fix_id: string;
  cause: string;
  params: string;
  description: string;
  proposer: string;
  approvals_required: number | string;
  state: string;
  reason: string | null;
  channel: string | null;
  message_ts: string | null;
  thread_ts: string | null;
  created_at: string;
  expires_at: string;
  updated_at: string;
  version: number | string;
  [column: string]: unknown;
}

interface AuditRow {
  id: number | string;
  at: string;
  actor: string;
  action: string;
  proposal_id: string | null;
  vm_id: string | null;
  fix_id: string | null;
  params: string | null;
  correlation_id: string | null;
  detail: string | null;
  [column: string]: unknown;
}

interface SubscriptionRow {
  id: string;
  channel: string;
  schedule: string;
  timezone: string;
  scope: string;
  created_by: string;
  created_at: string;
  last_report: string | null;
  [column: string]: unknown;
}

interface SnapshotRow {
  id: number | string;
  run_id: string;
  vm_id: string;
  requested_by: string;
  facts: string | null;
  channel: string | null;
  message_ts: string | null;
  report: string;
  created_at: string;
  [column: string]: unknown;
}

interface LeaseRow {
  name: string;
  holder: string;
  expires_at: string;
  [column: string]: unknown;
}

function toProposal(row: ProposalRow): Proposal {
  return {
    id: row.id,
    vmId: row.vm_id,
    vmName: row.vm_name,
    fixId: row.fix_id as FixId,
    cause: row.cause as CauseId,
    params: JSON.parse(row.params) as JsonObject,
    description: row.description,
    proposer: row.proposer,
    approvalsRequired: Number(row.approvals_required),
    state: row.state as ProposalState,
    reason: row.reason,
    channel: row.channel,
    messageTs: row.message_ts,
    threadTs: row.thread_ts,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    proposalId: row.proposal_id,
    vmId: row.vm_id,
    fixId: row.fix_id,
    params: row.params === null ? null : (JSON.parse(row.params) as JsonObject),
    correlationId: row.correlation_id,
    detail: row.detail,
  };
}

function toSubscription(row: SubscriptionRow): DigestSubscription {
  return {
    id: row.id,
    channel: row.channel,
    schedule: row.schedule,
    timezone: row.timezone,
    scope: JSON.parse(row.scope) as JsonObject,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastReport: row.last_report === null ? null : (JSON.parse(row.last_report) as JsonObject),
  };
}

function toSnapshotSummary(row: SnapshotRow): SnapshotSummary {
  return {
    id: Number(row.id),
    runId: row.run_id,
    vmId: row.vm_id,
    channel: row.channel,
    messageTs: row.message_ts,
    requestedBy: JSON.parse(row.requested_by) as string[],
    report: JSON.parse(row.report) as Report,
    createdAt: row.created_at,
  };
}

function toSnapshot(row: SnapshotRow): Snapshot {
  return {
    id: Number(row.id),
    runId: row.run_id,
    vmId: row.vm_id,
    channel: row.channel,
    messageTs: row.message_ts,
    requestedBy: JSON.parse(row.requested_by) as string[],
    report: JSON.parse(row.report) as Report,
    facts: row.facts === null ? null : (JSON.parse(row.facts) as Facts),
    createdAt: row.created_at,
  };
}

/** `$from, $from+1, …` for an IN list. */
function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_unused, index) => `$${from + index}`).join(', ');
}

export class SqlStore implements Store {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  async createProposal(proposal: NewProposal): Promise<Proposal> {
    const now = this.now();
    const rows = await this.db.query<ProposalRow>(
      `INSERT INTO fix_proposals (id, vm_id, vm_name, fix_id, cause, params, description, proposer, approvals_required,
         state, reason, channel, message_ts, thread_ts, created_at, expires_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'proposed', NULL, $10, $11, $12, $13, $14, $13, 1)
       RETURNING *`,
      [
        randomUUID(),
        proposal.vmId,
        proposal.vmName,
        proposal.fixId,
        proposal.cause,
        JSON.stringify(proposal.params),
        proposal.description ?? '',
        proposal.proposer,
        proposal.approvalsRequired,
        proposal.channel ?? null,
        proposal.messageTs ?? null,
        proposal.threadTs ?? null,
        now,
        proposal.expiresAt.toISOString(),
      ],
    );
    return toProposal(rows[0]);
  }

  async getProposal(id: string): Promise<Proposal | null> {
    const rows = await this.db.query<ProposalRow>('SELECT * FROM fix_proposals WHERE id = $1', [id]);
    return rows.length ? toProposal(rows[0]) : null;
  }

  async listProposals(vmId: string): Promise<Proposal[]> {
    const rows = await this.db.query<ProposalRow>(
      'SELECT * FROM fix_proposals WHERE vm_id = $1 ORDER BY created_at DESC, id',
      [vmId],
    );
    return rows.map(toProposal);
  }

  async listProposalsInState(states: readonly ProposalState[]): Promise<Proposal[]> {
    if (!states.length) return [];
    const rows = await this.db.query<ProposalRow>(
      `SELECT * FROM fix_proposals WHERE state IN (${placeholders(1, states.length)}) ORDER BY created_at, id`,
      states,
    );
    return rows.map(toProposal);
  }

  async setProposalMessage(id: string, message: MessageRef): Promise<Proposal | null> {
    const rows = await this.db.query<ProposalRow>(
      `UPDATE fix_proposals SET channel = $1, message_ts = $2, thread_ts = $3, updated_at = $4, version = version + 1
       WHERE id = $5 RETURNING *`,
      [message.channel, message.messageTs, message.threadTs, this.now(), id],
    );
    return rows.length ? toProposal(rows[0]) : null;
  }

  async addApproval(proposalId: string, approver: string): Promise<string[]> {
    // Conditional on the state in the same statement: an approval cannot land on a proposal that a
    // concurrent deny or expiry has already closed.
    await this.db.query(
      `INSERT INTO approvals (proposal_id, approver, approved_at)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM fix_proposals WHERE id = $1 AND state = 'proposed')
       ON CONFLICT (proposal_id, approver) DO NOTHING`,
      [proposalId, approver, this.now()],
    );
    return this.listApprovers(proposalId);
  }

  async listApprovers(proposalId: string): Promise<string[]> {
    const rows = await this.db.query<{ approver: string }>(
      'SELECT approver FROM approvals WHERE proposal_id = $1 ORDER BY approved_at, approver',
      [proposalId],
    );
    return rows.map((row) => row.approver);
  }

  async transition(
    id: string,
    from: readonly ProposalState[],
    to: ProposalState,
    patch: TransitionPatch = {},
  ): Promise<Proposal | null> {
    if (!from.length) return null;
    const params: SqlValue[] = [to, this.now(), id, ...from];
    const sets = ['state = $1', 'updated_at = $2', 'version = version + 1'];
    if (patch.reason !== undefined) {
      params.push(patch.reason);
      sets.push(`reason = $${params.length}`);
    }
    const rows = await this.db.query<ProposalRow>(
      `UPDATE fix_proposals SET ${sets.join(', ')}
       WHERE id = $3 AND state IN (${placeholders(4, from.length)})
       RETURNING *`,
      params,
    );
    return rows.length ? toProposal(rows[0]) : null;
  }

  async expireDue(now: Date): Promise<Proposal[]> {
    const rows = await this.db.query<ProposalRow>(
      `UPDATE fix_proposals SET state = 'expired', updated_at = $1, version = version + 1
       WHERE state = 'proposed' AND expires_at <= $2
       RETURNING *`,
      [this.now(), now.toISOString()],
    );
    return rows.map(toProposal);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = await this.db.query<AuditRow>(
      `INSERT INTO audit_log (at, actor, action, proposal_id, vm_id, fix_id, params, correlation_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING *`,
      [
        this.now(),
        entry.actor,
        entry.action,
        entry.proposalId ?? null,
        entry.vmId ?? null,
        entry.fixId ?? null,
        entry.params ? JSON.stringify(redact(entry.params)) : null,
        entry.correlationId ?? null,
        entry.detail ?? null,
      ],
    );
    return toAuditEntry(rows[0]);
  }

  async listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (filter.vmId !== undefined) {
      params.push(filter.vmId);
      conditions.push(`vm_id = $${params.length}`);
    }
    if (filter.proposalId !== undefined) {
      params.push(filter.proposalId);
      conditions.push(`proposal_id = $${params.length}`);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id`, params);
    return rows.map(toAuditEntry);
  }

  async createSubscription(subscription: NewDigestSubscription): Promise<DigestSubscription> {
    const rows = await this.db.query<SubscriptionRow>(
      `INSERT INTO digest_subscriptions (id, channel, schedule, timezone, scope, created_by, created_at, last_report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
       RETURNING *`,
      [
        randomUUID(),
        subscription.channel,
        subscription.schedule,
        subscription.timezone,
        JSON.stringify(subscription.scope),
        subscription.createdBy,
        this.now(),
      ],
    );
    return toSubscription(rows[0]);
  }

  async getSubscription(id: string): Promise<DigestSubscription | null> {
    const rows = await this.db.query<SubscriptionRow>('SELECT * FROM digest_subscriptions WHERE id = $1', [
      id,
    ]);
    return rows.length ? toSubscription(rows[0]) : null;
  }

  async listSubscriptions(channel?: string): Promise<DigestSubscription[]> {
    const rows =
      channel === undefined
        ? await this.db.query<SubscriptionRow>('SELECT * FROM digest_subscriptions ORDER BY created_at, id')
        : await this.db.query<SubscriptionRow>(
            'SELECT * FROM digest_subscriptions WHERE channel = $1 ORDER BY created_at, id',
            [channel],
          );
    return rows.map(toSubscription);
  }

  async updateSubscription(id: string, patch: DigestSubscriptionPatch): Promise<DigestSubscription | null> {
    const params: SqlValue[] = [id];
    const sets: string[] = [];
    const set = (column: string, value: SqlValue) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (patch.schedule !== undefined) set('schedule', patch.schedule);
    if (patch.timezone !== undefined) set('timezone', patch.timezone);
    if (patch.scope !== undefined) set('scope', JSON.stringify(patch.scope));
    if (patch.lastReport !== undefined) {
      set('last_report', patch.lastReport === null ? null : JSON.stringify(patch.lastReport));
    }
    if (!sets.length) return this.getSubscription(id);
    const rows = await this.db.query<SubscriptionRow>(
      `UPDATE digest_subscriptions SET ${sets.join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    return rows.length ? toSubscription(rows[0]) : null;
  }

  async deleteSubscription(id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM digest_subscriptions WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async claimDigestRun(subscriptionId: string, fireAt: Date, holder: string): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO digest_runs (subscription_id, fire_at, claimed_by, claimed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subscription_id, fire_at) DO NOTHING
       RETURNING subscription_id`,
      [subscriptionId, fireAt.toISOString(), holder, this.now()],
    );
    return rows.length > 0;
  }

  async saveSnapshot(snapshot: NewSnapshot): Promise<Snapshot> {
    const rows = await this.db.query<SnapshotRow>(
      `INSERT INTO diagnosis_snapshots (run_id, vm_id, channel, message_ts, requested_by, report, facts, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       RETURNING *`,
      [
        snapshot.runId,
        snapshot.vmId,
        snapshot.channel,
        snapshot.messageTs,
        JSON.stringify(snapshot.requestedBy),
        JSON.stringify(snapshot.report),
        snapshot.facts === null ? null : JSON.stringify(snapshot.facts),
        this.now(),
      ],
    );
    return toSnapshot(rows[0]);
  }

  async getSnapshot(runId: string): Promise<Snapshot | null> {
    const rows = await this.db.query<SnapshotRow>('SELECT * FROM diagnosis_snapshots WHERE run_id = $1', [
      runId,
    ]);
    return rows.length ? toSnapshot(rows[0]) : null;
  }

  async latestSnapshot(vmId: string): Promise<Snapshot | null> {
    const rows = await this.db.query<SnapshotRow>(
      'SELECT * FROM diagnosis_snapshots WHERE vm_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
      [vmId],
    );
    return rows.length ? toSnapshot(rows[0]) : null;
  }

  async listSnapshotsSince(since: Date, limit: number): Promise<SnapshotSummary[]> {
    // The facts stay in the database: a summary of many runs reads only their reports.
    const rows = await this.db.query<SnapshotRow>(
      `SELECT id, run_id, vm_id, channel, message_ts, requested_by, report, NULL AS facts, created_at
       FROM diagnosis_snapshots WHERE created_at >= $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [since.toISOString(), limit],
    );
    return rows.map(toSnapshotSummary);
  }

  listRecentDiagnoses(user: string, limit: number) {
    return recentDiagnosesOf(this.db, user, limit);
  }

  async listProposalsSince(since: Date, limit: number): Promise<Proposal[]> {
    const rows = await this.db.query<ProposalRow>(
      'SELECT * FROM fix_proposals WHERE created_at >= $1 ORDER BY created_at DESC, id LIMIT $2',
      [since.toISOString(), limit],
    );
    return rows.map(toProposal);
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    // One statement: a free or expired lease is taken, the holder's own lease is renewed, anyone else's stands.
    const rows = await this.db.query(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.expires_at <= $4 OR leases.holder = excluded.holder
       RETURNING name`,
      [name, holder, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()],
    );
    return rows.length > 0;
  }

  async getLease(name: string): Promise<Lease | null> {
    const rows = await this.db.query<LeaseRow>('SELECT * FROM leases WHERE name = $1', [name]);
    return rows.length ? { name: rows[0].name, holder: rows[0].holder, expiresAt: rows[0].expires_at } : null;
  }

  async listLeases(prefix: string): Promise<Lease[]> {
    const rows = await this.db.query<LeaseRow>(
      'SELECT * FROM leases WHERE substr(name, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) ORDER BY name',
      [prefix],
    );
    return rows.map((row) => ({ name: row.name, holder: row.holder, expiresAt: row.expires_at }));
  }

  async deleteExpiredLeases(prefix: string): Promise<number> {
    const rows = await this.db.query(
      'DELETE FROM leases WHERE substr(name, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) AND expires_at <= $2 RETURNING name',
      [prefix, this.clock().toISOString()],
    );
    return rows.length;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
