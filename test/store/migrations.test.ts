import fs from 'node:fs';
import { StoreError } from '../../src/store/db';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { openStore } from '../../src/store/open';
import { createTarget, tempDataDir, type StoreTarget } from './support';

const ALL_VERSIONS = MIGRATIONS.map((migration) => migration.version);
const now = new Date('2025-03-04T10:00:00.000Z');

describe.each(['sqlite', 'postgres'] as const)('migrations on %s', (driver) => {
  let target: StoreTarget;

  beforeEach(async () => {
    target = await createTarget(driver);
  });

  afterEach(async () => {
    await target.destroy();
  });

  test('the first run applies every migration and a second run applies none', async () => {
    const db = await target.openDb();
    expect(await migrate(db, now)).toEqual(ALL_VERSIONS);
    expect(await migrate(db, now)).toEqual([]);
    const recorded = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(recorded.map((row) => Number(row.version))).toEqual(ALL_VERSIONS);
    await db.close();
  });

  test('reopening the store keeps its data and re-applies nothing', async () => {
    const first = await openStore(target.config);
    await first.appendAudit({ actor: 'U1', action: 'proposed' });
    await first.close();
    const second = await openStore(target.config);
    expect(await second.listAudit()).toHaveLength(1);
    await second.close();
    const db = await target.openDb();
    expect(await migrate(db, now)).toEqual([]);
    await db.close();
  });

  test('from version 2: who decided each proposal is read from the audit log, in-flight markers become runs', async () => {
    const db = await target.openDb();
    await db.query(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
      for (const statement of migration.statements(db.dialect)) await db.query(statement);
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now.toISOString(),
      ]);
    }
    const at = now.toISOString();
    for (const [id, state] of [
      ['p-denied', 'denied'],
      ['p-succeeded', 'succeeded'],
      ['p-proposed', 'proposed'],
    ]) {
      await db.query(
        `INSERT INTO fix_proposals (id, vm_id, vm_name, fix_id, cause, params, description, proposer,
           approvals_required, state, created_at, expires_at, updated_at, version)
         VALUES ($1, 'vm', 'web-01', 'start-vm', 'vm-not-running', '{}', '', 'U0ALICE', 1, $2, $3, $3, $3, 1)`,
        [id, state, at],
      );
    }
    const audit = [
      ['p-denied', 'U0ALICE', 'proposed'],
      ['p-denied', 'U0CAROL', 'denied'],
      ['p-succeeded', 'U0BOB', 'approval-added'],
      ['p-succeeded', 'U0BOB', 'approved'],
      ['p-succeeded', 'rdp-doctor', 'succeeded'],
    ];
    for (const [proposalId, actor, action] of audit) {
      await db.query('INSERT INTO audit_log (at, actor, action, proposal_id) VALUES ($1, $2, $3, $4)', [
        at,
        actor,
        action,
        proposalId,
      ]);
    }
    await db.query("INSERT INTO leases (name, holder, expires_at) VALUES ($1, 'replica-a', $2)", [
      'running|C0INCIDENT|1741082400.000100|run-1|rg-web/web-01',
      '2025-03-04T10:05:00.000Z',
    ]);
    await db.query(
      "INSERT INTO leases (name, holder, expires_at) VALUES ('slack-request:abc', 'replica-a', $1)",
      ['2025-03-04T10:05:00.000Z'],
    );

    expect(await migrate(db, now)).toEqual(ALL_VERSIONS.filter((version) => version > 2));
    const decided = await db.query<{ id: string; decided_by: string | null }>(
      'SELECT id, decided_by FROM fix_proposals ORDER BY id',
    );
    expect(decided).toEqual([
      { id: 'p-denied', decided_by: 'U0CAROL' },
      { id: 'p-proposed', decided_by: null },
      { id: 'p-succeeded', decided_by: 'U0BOB' },
    ]);
    expect(
      await db.query(
        'SELECT run_id, channel, message_ts, target, holder, state, expires_at FROM diagnosis_runs',
      ),
    ).toEqual([
      {
        run_id: 'run-1',
        channel: 'C0INCIDENT',
        message_ts: '1741082400.000100',
        target: 'rg-web/web-01',
        holder: 'replica-a',
        state: 'running',
        expires_at: '2025-03-04T10:05:00.000Z',
      },
    ]);
    expect(await db.query('SELECT name FROM leases')).toEqual([{ name: 'slack-request:abc' }]);
    await db.close();
  });

  test('several stores opening at once on a fresh database apply each migration exactly once', async () => {
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore(target.config)));
    await Promise.all(stores.map((store) => store.close()));
    const db = await target.openDb();
    const recorded = await db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(recorded.map((row) => Number(row.version))).toEqual(ALL_VERSIONS);
    await db.close();
  });
});

describe('openStore configuration', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = tempDataDir();
  });

  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('a DATABASE_URL that is not postgres:// is refused with a store-config error', async () => {
    const opening = openStore({ dataDir, databaseUrl: 'mysql://root@localhost/rdp' });
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toMatchObject({
      code: 'store-config',
      message: expect.stringContaining('postgres://'),
    });
  });

  test('an unreachable PostgreSQL is a store-unreachable error that names the server, not the password', async () => {
    const opening = openStore({
      dataDir,
      databaseUrl: 'postgres://app:hunter2@127.0.0.1:1/rdp',
    });
    await expect(opening).rejects.toMatchObject({
      code: 'store-unreachable',
      message: expect.stringContaining('127.0.0.1:1/rdp'),
    });
    await expect(opening).rejects.toMatchObject({ message: expect.not.stringContaining('hunter2') });
  });
});
