import type { Db } from '../db';
import type { DiagnosisRun, DiagnosisRunRecords, DiagnosisRunState, NewDiagnosisRun } from '../store';

// Diagnoses in flight: a row per posted run, `running` until its verdict or failure is posted. A run
// still running past its time died with its process; whoever marks it abandoned closes its message.

interface DiagnosisRunRow {
  run_id: string;
  channel: string;
  message_ts: string;
  target: string;
  holder: string;
  state: string;
  started_at: string;
  expires_at: string;
  [column: string]: unknown;
}

function toDiagnosisRun(row: DiagnosisRunRow): DiagnosisRun {
  return {
    runId: row.run_id,
    channel: row.channel,
    messageTs: row.message_ts,
    target: row.target,
    holder: row.holder,
    state: row.state as DiagnosisRunState,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
  };
}

export function diagnosisRunRecords(db: Db, clock: () => Date): DiagnosisRunRecords {
  return {
    async startDiagnosisRun(run: NewDiagnosisRun, ttlMs: number): Promise<void> {
      const now = clock();
      await db.query(
        `INSERT INTO diagnosis_runs (run_id, channel, message_ts, target, holder, state, started_at, expires_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $6)`,
        [
          run.runId,
          run.channel,
          run.messageTs,
          run.target,
          run.holder,
          now.toISOString(),
          new Date(now.getTime() + ttlMs).toISOString(),
        ],
      );
    },

    async finishDiagnosisRun(runId: string): Promise<boolean> {
      const rows = await db.query(
        `UPDATE diagnosis_runs SET state = 'finished', updated_at = $1
         WHERE run_id = $2 AND state = 'running' RETURNING run_id`,
        [clock().toISOString(), runId],
      );
      return rows.length > 0;
    },

    async abandonOverdueRuns(now: Date): Promise<DiagnosisRun[]> {
      const rows = await db.query<DiagnosisRunRow>(
        `UPDATE diagnosis_runs SET state = 'abandoned', updated_at = $1
         WHERE state = 'running' AND expires_at <= $2
         RETURNING *`,
        [clock().toISOString(), now.toISOString()],
      );
      return rows.map(toDiagnosisRun);
    },
  };
}
