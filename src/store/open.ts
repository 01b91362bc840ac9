import { StoreError, type Db } from './db';
import { migrate } from './migrations';
import { openPostgres } from './postgres';
import { sqlStore } from './sql-store';
import { openSqlite } from './sqlite';
import type { Store } from './store';

export interface StoreConfig {
  /** DATA_DIR: where the embedded database file lives. */
  dataDir: string;
  /** DATABASE_URL: when set to postgres://…, PostgreSQL instead of the embedded file, for several replicas. */
  databaseUrl?: string;
  /** The time source; tests pass a fake one. */
  clock?: () => Date;
}

async function openDb(config: StoreConfig): Promise<Db> {
  if (config.databaseUrl === undefined || config.databaseUrl === '') return openSqlite(config.dataDir);
  if (/^postgres(ql)?:\/\//.test(config.databaseUrl)) return openPostgres(config.databaseUrl);
  throw new StoreError(
    'store-config',
    `DATABASE_URL must start with postgres:// (it starts with "${config.databaseUrl.split(':')[0]}:"). ` +
      'Fix it, or unset it to use the embedded store under DATA_DIR.',
  );
}

/** Opens the store and brings its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const clock = config.clock ?? (() => new Date());
  const db = await openDb(config);
  try {
    await migrate(db, clock());
  } catch (error) {
    await db.close();
    throw error;
  }
  return sqlStore(db, clock);
}
