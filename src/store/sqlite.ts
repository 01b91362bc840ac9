import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Db, Row, SqlValue } from './db';

/**
 * The build of better-sqlite3 a Node version loads. From Node 24.19, `node::ObjectWrap` removes an
 * environment cleanup hook in its destructor, and better-sqlite3 12's statements (ObjectWraps) abort the
 * process when the garbage collector frees one outside a JavaScript context (nodejs/node#65446). 13 is built
 * on Node-API and is safe there, but needs Node 22 or later; 12 stays for Node 20.
 */
export function sqliteBindingFor(nodeVersion: string): 'better-sqlite3' | 'better-sqlite3-napi' {
  return Number(nodeVersion.split('.')[0]) >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';
}

/** Both builds have the same API; the types are 12's. */
const SqliteDatabase = createRequire(__filename)(sqliteBindingFor(process.versions.node)) as typeof Database;

export const SQLITE_FILE_NAME = 'rdp-doctor.db';

interface Prepared {
  statement: Database.Statement;
  /** For each `?` in order, the index of the `$n` parameter it stands for. */
  order: number[];
}

/**
 * Rewrites `$1`-style placeholders to `?` and records which parameter each one binds, so one query text
 * serves both drivers. The store's SQL never holds a `$` inside a string literal, so a plain scan is enough.
 */
export function translatePlaceholders(sql: string): { sql: string; order: number[] } {
  const order: number[] = [];
  const translated = sql.replace(/\$(\d+)/g, (_match, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { sql: translated, order };
}

class SqliteConnection {
  private readonly prepared = new Map<string, Prepared>();

  constructor(readonly raw: Database.Database) {}

  run<T extends Row>(sql: string, params: readonly SqlValue[]): T[] {
    let entry = this.prepared.get(sql);
    if (!entry) {
      const translated = translatePlaceholders(sql);
      entry = { statement: this.raw.prepare(translated.sql), order: translated.order };
      this.prepared.set(sql, entry);
    }
    const bound = entry.order.map((index) => params[index] ?? null);
    if (entry.statement.reader) return entry.statement.all(...bound) as T[];
    entry.statement.run(...bound);
    return [];
  }
}

/** The handle given to a transaction's work: it runs directly on the connection that holds the transaction. */
class SqliteTransaction implements Db {
  readonly dialect = 'sqlite' as const;

  constructor(private readonly connection: SqliteConnection) {}

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.connection.run<T>(sql, params);
  }

  transaction<T>(): Promise<T> {
    return Promise.reject(new Error('Nested transactions are not supported; run the work in the outer one.'));
  }

  async close(): Promise<void> {
    throw new Error('Close the store, not a transaction.');
  }
}

/**
 * Orders the work on one database file within this process. better-sqlite3 calls are synchronous, but a
 * transaction's work is async: while it awaits, a statement from elsewhere must not slip into it, and a
 * second connection to the file must not block the event loop waiting for a write lock that can only be
 * released by this same, now blocked, loop. So statements outside a transaction wait for it to end.
 */
class FileGate {
  private idle: Promise<unknown> = Promise.resolve();

  afterCurrent<T>(work: () => T | Promise<T>): Promise<T> {
    return this.idle.then(work);
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.idle.then(work, work);
    this.idle = result.catch(() => undefined);
    return result;
  }
}

const gates = new Map<string, FileGate>();

function gateFor(file: string): FileGate {
  let gate = gates.get(file);
  if (!gate) {
    gate = new FileGate();
    gates.set(file, gate);
  }
  return gate;
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly connection: SqliteConnection;

  constructor(
    raw: Database.Database,
    private readonly gate: FileGate,
  ) {
    this.connection = new SqliteConnection(raw);
  }

  query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.gate.afterCurrent(() => this.connection.run<T>(sql, params));
  }

  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const raw = this.connection.raw;
    return this.gate.exclusive(async () => {
      // IMMEDIATE takes the write lock up front: another process cannot write between our reads and writes.
      raw.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(new SqliteTransaction(this.connection));
        raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.gate.afterCurrent(() => this.connection.raw.close());
  }
}

/** Opens (creating if needed) the embedded database file under `dataDir`. */
export function openSqlite(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, SQLITE_FILE_NAME);
  const raw = new SqliteDatabase(file);
  // WAL with synchronous=FULL: a commit that returned is on disk, so `kill -9` (or power loss) loses nothing committed.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Another process on the same file (a CLI run beside the app) waits for the write lock instead of failing.
  raw.pragma('busy_timeout = 5000');
  return new SqliteDb(raw, gateFor(file));
}
