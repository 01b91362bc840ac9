import type { Report, Verdict } from '../diagnosis/report';
import type { Db } from './db';

// The diagnoses one person asked for, newest first: what their App Home lists. Only what a list line
// needs is read out of each report.

export interface RecentDiagnosis {
  runId: string;
  vmId: string;
  vmName: string;
  channel: string | null;
  messageTs: string | null;
  verdict: Verdict;
  createdAt: string;
}

interface RecentDiagnosisRow {
  run_id: string;
  vm_id: string;
  channel: string | null;
  message_ts: string | null;
  report: string;
  created_at: string;
  [column: string]: unknown;
}

// Slack user ids: the only text that goes into the LIKE pattern, so it cannot carry a wildcard.
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** At most `limit` runs `user` asked for or joined, newest first; none for a string that is not a user id. */
export async function recentDiagnosesOf(db: Db, user: string, limit: number): Promise<RecentDiagnosis[]> {
  if (!SLACK_USER_ID.test(user)) return [];
  // requested_by holds a JSON array of user ids; the quotes make the match whole-id.
  const rows = await db.query<RecentDiagnosisRow>(
    `SELECT run_id, vm_id, channel, message_ts, report, created_at FROM diagnosis_snapshots
     WHERE requested_by LIKE $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [`%"${user}"%`, limit],
  );
  return rows.map((row) => {
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
  });
}
