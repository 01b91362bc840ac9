import type { Db, Dialect } from './db';

// The schema, one numbered step at a time. Applied steps never change: add a new one.
// Times are ISO 8601 UTC text (Date#toISOString), which both databases compare correctly as text; JSON is TEXT.

export interface Migration {
  version: number;
  name: string;
  statements(dialect: Dialect): string[];
  /** Moves existing rows into the new shape, after the statements, in the same transaction. */
  moveData?(tx: Db): Promise<void>;
}

/** The lease names the in-flight diagnosis markers had before migration 4: `running|channel|ts|runId|target`. */
const IN_FLIGHT_LEASE = 'running|';

/** Copies each in-flight marker lease into diagnosis_runs, then forgets the lease. */
async function moveInFlightLeases(tx: Db): Promise<void> {
  const leases = await tx.query<{ name: string; holder: string; expires_at: string }>(
    'SELECT name, holder, expires_at FROM leases WHERE substr(name, 1, 8) = $1',
    [IN_FLIGHT_LEASE],
  );
  for (const lease of leases) {
    const [channel, ts, runId, ...target] = lease.name.slice(IN_FLIGHT_LEASE.length).split('|');
    // The message's ts is when it was posted: seconds since the epoch.
    const startedAt = new Date(Number(ts.split('.')[0]) * 1000).toISOString();
    await tx.query(
      `INSERT INTO diagnosis_runs (run_id, channel, message_ts, target, holder, state, started_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $6)`,
      [runId, channel, ts, target.join('|'), lease.holder, startedAt, lease.expires_at],
    );
    await tx.query('DELETE FROM leases WHERE name = $1', [lease.name]);
  }
}

function autoIncrementId(dialect: Dialect): string {
  return dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'proposals, approvals, audit log, digests, snapshots, leases',
    statements: (dialect) => [
      `CREATE TABLE fix_proposals (
        id TEXT PRIMARY KEY,
        vm_id TEXT NOT NULL,
        vm_name TEXT NOT NULL,
        fix_id TEXT NOT NULL,
        cause TEXT NOT NULL,
        params TEXT NOT NULL,
        description TEXT NOT NULL,
        proposer TEXT NOT NULL,
        approvals_required INTEGER NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        channel TEXT,
        message_ts TEXT,
        thread_ts TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
      )`,
      'CREATE INDEX fix_proposals_vm ON fix_proposals (vm_id, created_at)',
      'CREATE INDEX fix_proposals_state ON fix_proposals (state, expires_at)',
      `CREATE TABLE approvals (
        proposal_id TEXT NOT NULL REFERENCES fix_proposals (id),
        approver TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        UNIQUE (proposal_id, approver)
      )`,
      `CREATE TABLE audit_log (
        id ${autoIncrementId(dialect)},
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        proposal_id TEXT,
        vm_id TEXT,
        fix_id TEXT,
        params TEXT,
        correlation_id TEXT,
        detail TEXT
      )`,
      'CREATE INDEX audit_log_proposal ON audit_log (proposal_id)',
      'CREATE INDEX audit_log_vm ON audit_log (vm_id)',
      `CREATE TABLE digest_subscriptions (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        schedule TEXT NOT NULL,
        timezone TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_report TEXT
      )`,
      `CREATE TABLE digest_runs (
        subscription_id TEXT NOT NULL,
        fire_at TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        UNIQUE (subscription_id, fire_at)
      )`,
      `CREATE TABLE diagnosis_snapshots (
        id ${autoIncrementId(dialect)},
        run_id TEXT NOT NULL UNIQUE,
        vm_id TEXT NOT NULL,
        channel TEXT,
        message_ts TEXT,
        requested_by TEXT NOT NULL,
        report TEXT NOT NULL,
        facts TEXT,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX diagnosis_snapshots_vm ON diagnosis_snapshots (vm_id, created_at)',
      `CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'audit log is append-only',
    // The Store offers no update or delete for the audit log; the database refuses them too, so no
    // later query (or hand-run SQL) rewrites history.
    statements: (dialect) =>
      dialect === 'sqlite'
        ? [
            `CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
            `CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
          ]
        : [
            `CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$
             BEGIN RAISE EXCEPTION 'audit_log is append-only'; END
             $body$`,
            `CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
             FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
            `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
             FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
          ],
  },
  {
    version: 3,
    name: 'who decided a proposal',
    // Read from the proposal itself instead of scanning the audit log; filled for the proposals decided so far.
    statements: () => [
      'ALTER TABLE fix_proposals ADD COLUMN decided_by TEXT',
      `UPDATE fix_proposals SET decided_by = (
         SELECT actor FROM audit_log
         WHERE audit_log.proposal_id = fix_proposals.id AND audit_log.action IN ('approved', 'denied')
         ORDER BY audit_log.id DESC LIMIT 1
       )`,
    ],
  },
  {
    version: 4,
    name: 'in-flight diagnosis runs',
    statements: () => [
      `CREATE TABLE diagnosis_runs (
        run_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        message_ts TEXT NOT NULL,
        target TEXT NOT NULL,
        holder TEXT NOT NULL,
        state TEXT NOT NULL,
        started_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      'CREATE INDEX diagnosis_runs_state ON diagnosis_runs (state, expires_at)',
    ],
    moveData: moveInFlightLeases,
  },
  {
    version: 5,
    name: 'watches and their alerts',
    statements: () => [
      `CREATE TABLE watches (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        scope TEXT NOT NULL,
        sources TEXT NOT NULL,
        cursor TEXT NOT NULL,
        reachable TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE watch_ticks (
        fire_at TEXT PRIMARY KEY,
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL
      )`,
      `CREATE TABLE watch_alerts (
        watch_id TEXT NOT NULL,
        change_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        cut_off TEXT NOT NULL,
        detail TEXT NOT NULL,
        message_ts TEXT,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (watch_id, change_id)
      )`,
      'CREATE INDEX watch_alerts_open ON watch_alerts (watch_id, state)',
    ],
  },
  {
    version: 6,
    name: 'snapshots of unfinished runs',
    // A run keeps what its fix buttons need as soon as they are shown; listings read finished runs only.
    statements: () => ['ALTER TABLE diagnosis_snapshots ADD COLUMN complete INTEGER NOT NULL DEFAULT 1'],
  },
];

/** Any constant shared by every replica: they serialize their migrations on this advisory lock. */
const MIGRATION_LOCK_KEY = 0x72647064;

/**
 * Applies the migrations not yet recorded in schema_migrations, all in one transaction, and returns the
 * versions it applied. On PostgreSQL, replicas starting at once wait on an advisory lock, so exactly one
 * applies each step and the others find it recorded.
 */
export async function migrate(db: Db, now: Date): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const recorded = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(recorded.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements(tx.dialect)) await tx.query(statement);
      await migration.moveData?.(tx);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now.toISOString(),
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
