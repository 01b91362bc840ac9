import type { Facts } from '../../diagnosis/facts';
import type { Report } from '../../diagnosis/report';
import type { Db } from '../db';
import type { NewSnapshot, RecentDiagnosis, Snapshot, SnapshotRecords, SnapshotSummary } from '../store';

// Finished diagnoses, by run id: what fix buttons act on, what the digest summarises and what one person's
// App Home lists.

interface SnapshotRow {
  id: number | string;
  run_id: string;
  vm_id: string;
  requested_by: string;
  facts: string | null;
  channel: string | null;
  message_ts: string | null;
  report: string;
  complete: number | string;
  created_at: string;
  [column: string]: unknown;
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
    complete: Number(row.complete) === 1,
    createdAt: row.created_at,
  };
}

// Slack user ids: the only text that goes into the LIKE pattern, so it cannot carry a wildcard.
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

function toRecentDiagnosis(row: SnapshotRow): RecentDiagnosis {
  const report = JSON.parse(row.report) as Report;
  return {
    runId: row.run_id,
    vmId: row.vm_id,
    vmName: report.vm.name,
    channel: row.channel,
    messageTs: row.message_ts,
    verdict: report.verdict,
    createdAt: row.created_at,
  };
}

function toSnapshot(row: SnapshotRow): Snapshot {
  return {
    ...toSnapshotSummary(row),
    facts: row.facts === null ? null : (JSON.parse(row.facts) as Facts),
  };
}

export function snapshotRecords(db: Db, clock: () => Date): SnapshotRecords {
  const stamp = () => clock().toISOString();
  return {
    async saveSnapshot(snapshot: NewSnapshot): Promise<Snapshot> {
      const rows = await db.query<SnapshotRow>(
        `INSERT INTO diagnosis_snapshots (run_id, vm_id, channel, message_ts, requested_by, report, facts, complete, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (run_id) DO UPDATE SET report = excluded.report, facts = excluded.facts,
         complete = excluded.complete, requested_by = excluded.requested_by, created_at = excluded.created_at
       RETURNING *`,
        [
          snapshot.runId,
          snapshot.vmId,
          snapshot.channel,
          snapshot.messageTs,
          JSON.stringify(snapshot.requestedBy),
          JSON.stringify(snapshot.report),
          snapshot.facts === null ? null : JSON.stringify(snapshot.facts),
          snapshot.complete === false ? 0 : 1,
          stamp(),
        ],
      );
      return toSnapshot(rows[0]);
    },

    async getSnapshot(runId: string): Promise<Snapshot | null> {
      const rows = await db.query<SnapshotRow>('SELECT * FROM diagnosis_snapshots WHERE run_id = $1', [
        runId,
      ]);
      return rows.length ? toSnapshot(rows[0]) : null;
    },

    async findSnapshotByMessage(channel: string, messageTs: string): Promise<Snapshot | null> {
      const rows = await db.query<SnapshotRow>(
        'SELECT * FROM diagnosis_snapshots WHERE channel = $1 AND message_ts = $2 ORDER BY id DESC LIMIT 1',
        [channel, messageTs],
      );
      return rows.length ? toSnapshot(rows[0]) : null;
    },

    async latestSnapshot(vmId: string): Promise<Snapshot | null> {
      const rows = await db.query<SnapshotRow>(
        'SELECT * FROM diagnosis_snapshots WHERE vm_id = $1 AND complete = 1 ORDER BY created_at DESC, id DESC LIMIT 1',
        [vmId],
      );
      return rows.length ? toSnapshot(rows[0]) : null;
    },

    async listSnapshotsSince(since: Date, limit: number): Promise<SnapshotSummary[]> {
      // The facts stay in the database: a summary of many runs reads only their reports.
      const rows = await db.query<SnapshotRow>(
        `SELECT id, run_id, vm_id, channel, message_ts, requested_by, report, NULL AS facts, complete, created_at
       FROM diagnosis_snapshots WHERE created_at >= $1 AND complete = 1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [since.toISOString(), limit],
      );
      return rows.map(toSnapshotSummary);
    },

    async listRecentDiagnoses(user: string, limit: number): Promise<RecentDiagnosis[]> {
      if (!SLACK_USER_ID.test(user)) return [];
      // requested_by holds a JSON array of user ids; the quotes make the match whole-id.
      const rows = await db.query<SnapshotRow>(
        `SELECT id, run_id, vm_id, channel, message_ts, requested_by, report, NULL AS facts, created_at
       FROM diagnosis_snapshots WHERE requested_by LIKE $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [`%"${user}"%`, limit],
      );
      return rows.map(toRecentDiagnosis);
    },
  };
}
