import { randomUUID } from 'node:crypto';
import type { CauseId, FixId } from '../../diagnosis/ids';
import type { Db, SqlValue } from '../db';
import type { ProposalState } from '../proposal-state';
import type {
  JsonObject,
  MessageRef,
  NewProposal,
  Proposal,
  ProposalRecords,
  TransitionPatch,
} from '../store';

// Fix proposals and their approvals. Every move of a proposal is one conditional UPDATE, so two clicks,
// a retry or two replicas cannot both move it out of the same state.

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
  decided_by: string | null;
  channel: string | null;
  message_ts: string | null;
  thread_ts: string | null;
  created_at: string;
  expires_at: string;
  updated_at: string;
  version: number | string;
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
    decidedBy: row.decided_by,
    channel: row.channel,
    messageTs: row.message_ts,
    threadTs: row.thread_ts,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** `$from, $from+1, …` for an IN list. */
function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_unused, index) => `$${from + index}`).join(', ');
}

export function proposalRecords(db: Db, clock: () => Date): ProposalRecords {
  const stamp = () => clock().toISOString();
  const records: ProposalRecords = {
    async createProposal(proposal: NewProposal): Promise<Proposal> {
      const now = stamp();
      const rows = await db.query<ProposalRow>(
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
    },

    async getProposal(id: string): Promise<Proposal | null> {
      const rows = await db.query<ProposalRow>('SELECT * FROM fix_proposals WHERE id = $1', [id]);
      return rows.length ? toProposal(rows[0]) : null;
    },

    async listProposals(vmId: string): Promise<Proposal[]> {
      const rows = await db.query<ProposalRow>(
        'SELECT * FROM fix_proposals WHERE vm_id = $1 ORDER BY created_at DESC, id',
        [vmId],
      );
      return rows.map(toProposal);
    },

    async listProposalsInState(states: readonly ProposalState[]): Promise<Proposal[]> {
      if (!states.length) return [];
      const rows = await db.query<ProposalRow>(
        `SELECT * FROM fix_proposals WHERE state IN (${placeholders(1, states.length)}) ORDER BY created_at, id`,
        states,
      );
      return rows.map(toProposal);
    },

    async setProposalMessage(id: string, message: MessageRef): Promise<Proposal | null> {
      const rows = await db.query<ProposalRow>(
        `UPDATE fix_proposals SET channel = $1, message_ts = $2, thread_ts = $3, updated_at = $4, version = version + 1
         WHERE id = $5 RETURNING *`,
        [message.channel, message.messageTs, message.threadTs, stamp(), id],
      );
      return rows.length ? toProposal(rows[0]) : null;
    },

    async addApproval(proposalId: string, approver: string): Promise<string[]> {
      // Conditional on the state in the same statement: an approval cannot land on a proposal that a
      // concurrent deny or expiry has already closed.
      await db.query(
        `INSERT INTO approvals (proposal_id, approver, approved_at)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM fix_proposals WHERE id = $1 AND state = 'proposed')
         ON CONFLICT (proposal_id, approver) DO NOTHING`,
        [proposalId, approver, stamp()],
      );
      return records.listApprovers(proposalId);
    },

    async listApprovers(proposalId: string): Promise<string[]> {
      const rows = await db.query<{ approver: string }>(
        'SELECT approver FROM approvals WHERE proposal_id = $1 ORDER BY approved_at, approver',
        [proposalId],
      );
      return rows.map((row) => row.approver);
    },

    async transition(
      id: string,
      from: readonly ProposalState[],
      to: ProposalState,
      patch: TransitionPatch = {},
    ): Promise<Proposal | null> {
      if (!from.length) return null;
      const params: SqlValue[] = [to, stamp(), id, ...from];
      const sets = ['state = $1', 'updated_at = $2', 'version = version + 1'];
      if (patch.reason !== undefined) {
        params.push(patch.reason);
        sets.push(`reason = $${params.length}`);
      }
      if (patch.decidedBy !== undefined) {
        params.push(patch.decidedBy);
        sets.push(`decided_by = $${params.length}`);
      }
      const conditions = ['id = $3', `state IN (${placeholders(4, from.length)})`];
      if (patch.unlessLeaseHeld) {
        params.push(patch.unlessLeaseHeld.name, patch.unlessLeaseHeld.now.toISOString());
        conditions.push(
          `NOT EXISTS (SELECT 1 FROM leases WHERE name = $${params.length - 1} AND expires_at > $${params.length})`,
        );
      }
      const rows = await db.query<ProposalRow>(
        `UPDATE fix_proposals SET ${sets.join(', ')}
         WHERE ${conditions.join(' AND ')}
         RETURNING *`,
        params,
      );
      return rows.length ? toProposal(rows[0]) : null;
    },

    async expireDue(now: Date): Promise<Proposal[]> {
      const rows = await db.query<ProposalRow>(
        `UPDATE fix_proposals SET state = 'expired', updated_at = $1, version = version + 1
         WHERE state = 'proposed' AND expires_at <= $2
         RETURNING *`,
        [stamp(), now.toISOString()],
      );
      return rows.map(toProposal);
    },

    async listProposalsSince(since: Date, limit: number): Promise<Proposal[]> {
      const rows = await db.query<ProposalRow>(
        'SELECT * FROM fix_proposals WHERE created_at >= $1 ORDER BY created_at DESC, id LIMIT $2',
        [since.toISOString(), limit],
      );
      return rows.map(toProposal);
    },
  };
  return records;
}
