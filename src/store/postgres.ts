import { Pool, type PoolClient } from 'pg';
import { StoreError, type Db, type Row, type SqlValue } from './db';

type Queryable = Pick<Pool, 'query'> | PoolClient;

class PostgresTransaction implements Db {
  readonly dialect = 'postgres' as const;

  constructor(private readonly client: PoolClient) {}

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return runQuery<T>(this.client, sql, params);
  }

  transaction<T>(): Promise<T> {
    return Promise.reject(new Error('Nested transactions are not supported; run the work in the outer one.'));
  }

  async close(): Promise<void> {
    throw new Error('Close the store, not a transaction.');
  }
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;

  constructor(private readonly pool: Pool) {}

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return runQuery<T>(this.pool, sql, params);
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PostgresTransaction(client));
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection whose rollback failed is in an unknown state: hand it back to be destroyed.
      await client.query('ROLLBACK').then(
        () => client.release(),
        (rollbackError: Error) => client.release(rollbackError),
      );
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function runQuery<T extends Row>(
  target: Queryable,
  sql: string,
  params: readonly SqlValue[],
): Promise<T[]> {
  const result = await target.query<T>(sql, [...params]);
  return result.rows;
}

/** Where DATABASE_URL points, without the password, for error messages. */
function describeServer(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the server in DATABASE_URL';
  }
}

/** Connects a pool to DATABASE_URL and checks that the server answers. */
export async function openPostgres(databaseUrl: string): Promise<Db> {
  const pool = new Pool({ connectionString: databaseUrl });
  // An idle connection dropped by the server (restart, failover) must not crash the app: the pool discards
  // it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      'store-unreachable',
      `Could not connect to PostgreSQL at ${describeServer(databaseUrl)} (DATABASE_URL): ${reason}. ` +
        'Start the server or fix DATABASE_URL; unset it to use the embedded store under DATA_DIR.',
      { cause: error },
    );
  }
  return new PostgresDb(pool);
}
