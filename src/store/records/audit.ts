import type { Db, SqlValue } from '../db';
import { redact } from '../redact';
import type { AuditEntry, AuditFilter, AuditRecords, JsonObject, NewAuditEntry } from '../store';

// The audit log: appended to, never changed (migration 2 makes the database refuse it too).

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

export function auditRecords(db: Db, clock: () => Date): AuditRecords {
  const stamp = () => clock().toISOString();
  return {
    async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
      const rows = await db.query<AuditRow>(
        `INSERT INTO audit_log (at, actor, action, proposal_id, vm_id, fix_id, params, correlation_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING *`,
        [
          stamp(),
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
    },

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
      const rows = await db.query<AuditRow>(`SELECT * FROM audit_log ${where} ORDER BY id`, params);
      return rows.map(toAuditEntry);
    },
  };
}
