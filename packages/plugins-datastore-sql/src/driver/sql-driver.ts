/**
 * The one narrow interface the store uses to talk to a database. Each dialect (SQLite through
 * better-sqlite3, PostgreSQL through pg, MySQL/MariaDB through mysql2) implements it; the store's
 * SQL is written once with `?` placeholders and a few dialect switches.
 */

/** The database kinds, named as the `database_type` option spells them. */
export type Dialect = 'sqlite3' | 'postgres' | 'mysql';

/** One result row, keyed by column name. */
export type Row = Record<string, unknown>;

/** What a failed statement means to the store; drivers classify their native errors into it. */
export type SqlFailureKind =
  /** A unique or primary-key constraint refused the write. */
  | 'unique'
  /** A foreign-key constraint refused the write. */
  | 'foreign-key'
  /** The database could not be reached (refused, dropped, shutting down, timed out). */
  | 'unavailable'
  /** A deadlock or serialization failure: the whole transaction may be retried. */
  | 'retry'
  /** A value did not fit its column. */
  | 'too-long'
  | 'other';

/** A driver error with its classification; `cause` keeps the native error. */
export class SqlFailure extends Error {
  constructor(
    readonly kind: SqlFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqlFailure';
  }
}

/** Runs statements. Placeholders are `?`; the driver rewrites them for its dialect. */
export interface SqlExecutor {
  readonly dialect: Dialect;
  /** Rows of a SELECT. Throws SqlFailure. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a write; resolves to the number of rows it changed. Throws SqlFailure. */
  exec(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs an INSERT into a table whose primary key is the auto-increment column `id` and resolves
   * to the new row's id. Throws SqlFailure.
   */
  insert(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Inserts many rows into `table` as fast as the dialect allows (SQLite: one cached prepared
   * statement per row; others: multi-row INSERTs of bounded size). With `returning` (a column
   * list; not on MySQL, which throws) resolves to those columns of the inserted rows.
   */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<Row[]>;
}

/**
 * The statements a pooled driver (PostgreSQL, MySQL) runs outside a transaction: each goes to the
 * pool through `direct`. Subclasses set `direct` in their constructor and add transactions.
 */
export abstract class PooledStatements {
  protected abstract readonly direct: SqlExecutor;

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.direct.query<R>(sql, params);
  }
  exec(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.direct.exec(sql, params);
  }
  insert(sql: string, params?: readonly unknown[]): Promise<number> {
    return this.direct.insert(sql, params);
  }
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<Row[]> {
    return this.direct.insertMany(table, columns, rows, returning);
  }
}

/** Most rows in one multi-row INSERT: bounded so no dialect's parameter limit is reached. */
export const MULTI_ROW_PARAMS = 30_000;

/** Multi-row INSERT statements for `rows`, each within MULTI_ROW_PARAMS parameters. */
export function multiRowInserts(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): { sql: string; params: unknown[] }[] {
  const per = Math.max(1, Math.floor(MULTI_ROW_PARAMS / Math.max(1, columns.length)));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const out: { sql: string; params: unknown[] }[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    out.push({
      sql: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => tuple).join(', ')}${suffix}`,
      params: part.flat(),
    });
  }
  return out;
}

/** A read-only snapshot transaction; `end()` closes it (safe to call twice, never throws). */
export interface SqlSnapshot extends SqlExecutor {
  /**
   * True when the snapshot holds the driver's only connection (in-memory SQLite): every other call
   * of the driver waits until `end()`, so the holder must not wait on them meanwhile.
   */
  readonly exclusive: boolean;
  /** Rows of a SELECT as arrays of column values, in select-list order (cheaper than objects). */
  queryArrays(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** The first column of each row of a SELECT (cheaper still, for one-column results). */
  queryColumn(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  end(): Promise<void>;
}

/** A connection pool (or, for SQLite, one connection) that can run transactions. */
export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: commit when it resolves, roll back when it throws. Writers are
   * serialised as the dialect allows (SQLite: BEGIN IMMEDIATE; others: row locks taken with
   * `FOR UPDATE`). A deadlock or serialization failure is retried a few times.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one read-only transaction that sees one consistent snapshot, then ends it: a read
   * made of several statements sees no write that commits between them. SQLite: a deferred
   * transaction on the driver's connection, holding the file lock; PostgreSQL: REPEATABLE READ,
   * READ ONLY; MySQL: REPEATABLE READ WITH CONSISTENT SNAPSHOT, READ ONLY (both on a pooled
   * connection, taking no row locks). Throws what `fn` throws, or SqlFailure.
   */
  readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Opens a read-only transaction that sees one consistent snapshot of the database until `end()`
   * (SQLite: a deferred transaction, on a connection of its own for a file database; PostgreSQL:
   * REPEATABLE READ, READ ONLY; MySQL: REPEATABLE READ WITH CONSISTENT SNAPSHOT, READ ONLY).
   * Writes through the returned executor are refused by the database. Throws SqlFailure.
   */
  readSnapshot(): Promise<SqlSnapshot>;
  /** Resolves when the database answers a trivial query; throws SqlFailure otherwise. */
  ping(): Promise<void>;
  /** Closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

/** Rewrites `?` placeholders to PostgreSQL's `$1, $2, ...`. The store never puts `?` in literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** How many times a transaction that hit a deadlock or serialization failure is tried. */
export const TX_ATTEMPTS = 5;

/** Runs `attempt` again while it fails with a retryable SqlFailure, with a short random backoff. */
export async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof SqlFailure) || err.kind !== 'retry' || i >= TX_ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * i));
    }
  }
}
