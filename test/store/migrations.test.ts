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
