// The small adapter the store's queries run on. Queries are written once, in SQL that SQLite and
// PostgreSQL both understand, with PostgreSQL's `$1` placeholders; the SQLite driver translates them.

export type Dialect = 'sqlite' | 'postgres';

/** Values the queries bind: JSON travels as TEXT, times as ISO 8601 UTC text, flags as integers. */
export type SqlValue = string | number | null;

export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: Dialect;
  /** Runs one statement and returns the rows it produced (a SELECT, or an INSERT/UPDATE … RETURNING). */
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type StoreErrorCode = 'store-config' | 'store-unreachable';

/** A store that cannot open: the message says what happened and what to do. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
