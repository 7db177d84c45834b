import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { SnapshotThreads } from './sqlite-snapshot.js';
import { bind, prepareShaped, type RowShape } from './sqlite-statements.js';
import { SqlFailure, withRetries, type Row, type SqlDriver, type SqlExecutor, type SqlFailureKind, type SqlSnapshot } from './sql-driver.js';

/** Options of the SQLite driver. */
export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** Milliseconds a writer waits for another connection's lock. */
  busyTimeoutMs?: number;
  /** Open read-only (for ro_connection_string). */
  readonly?: boolean;
  /** Called with each statement when log_sql is on. */
  logSql?: (sql: string) => void;
}

// better-sqlite3 is synchronous, but the store's transactions are async functions. One lock per
// database file (shared by every driver of this process) keeps two transactions from
// interleaving on one file, where a synchronous busy wait could never be released.
const fileLocks = new Map<string, Promise<void>>();

async function withFileLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = fileLocks.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const tail = prev.then(() => mine);
  fileLocks.set(key, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (fileLocks.get(key) === tail) fileLocks.delete(key);
  }
}

export function classify(err: unknown): SqlFailure {
  if (err instanceof SqlFailure) return err;
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : String(err);
  let kind: SqlFailureKind = 'other';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') kind = 'unique';
  else if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') kind = 'foreign-key';
  else if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') kind = 'retry';
  else if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR' || /database connection is not open/.test(msg)) {
    kind = 'unavailable';
  }
  return new SqlFailure(kind, msg, { cause: err });
}

/** A read-only executor on `db` inside an open transaction; `close` ends it once. */
function snapshotOn(db: Database.Database, exclusive: boolean, log: ((sql: string) => void) | undefined, close: () => void): SqlSnapshot {
  let ended = false;
  const refuse = (): Promise<never> => Promise.reject(new SqlFailure('other', 'a read snapshot cannot write'));
  const prepared = new Map<string, Database.Statement>();
  // A statement per SQL text and row shape, prepared once for the snapshot.
  const run = <T>(shape: RowShape, sql: string, params: readonly unknown[]): Promise<T[]> => {
    if (ended) return Promise.reject(new SqlFailure('other', 'the read snapshot has ended'));
    log?.(sql);
    try {
      return Promise.resolve(prepareShaped(db, prepared, shape, sql).all(...bind(params)) as T[]);
    } catch (err) {
      return Promise.reject(classify(err));
    }
  };
  return {
    dialect: 'sqlite3',
    exclusive,
    queryArrays: (sql, params = []) => run<unknown[]>('arrays', sql, params),
    queryColumn: (sql, params = []) => run<unknown>('column', sql, params),
    query: <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => run<R>('objects', sql, params),
    exec: refuse,
    insert: refuse,
    insertMany: refuse,
    end: () => {
      if (!ended) {
        ended = true;
        try {
          close();
        } catch {
          // Ending a read transaction cannot lose anything; the connection is dropped either way.
        }
      }
      return Promise.resolve();
    },
  };
}

/** The SQLite dialect of SqlDriver, on one better-sqlite3 connection (WAL, busy timeout). */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite3' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly lockKey: string;
  private closed = false;
  /** Threads of file snapshots, kept between snapshots (made on first use). */
  private snapshotThreads: SnapshotThreads | undefined;

  /** Opens the database. Throws SqlFailure('unavailable') when the file cannot be opened. */
  constructor(private readonly opts: SqliteOptions) {
    try {
      // A fresh install points at a file under a data directory that may not exist yet.
      if (opts.filename !== ':memory:' && !opts.readonly) mkdirSync(dirname(opts.filename), { recursive: true, mode: 0o700 });
      this.db = new Database(opts.filename, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
      this.db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      if (opts.filename !== ':memory:' && !opts.readonly) this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      // The unique similarity index has random keys; a larger page cache keeps its B-tree in
      // memory (the default is 2 MiB).
      this.db.pragma('cache_size = -65536');
      this.db.pragma('wal_autocheckpoint = 10000');
    } catch (err) {
      throw new SqlFailure('unavailable', `cannot open SQLite database "${opts.filename}": ${(err as Error).message}`, { cause: err });
    }
    this.lockKey = opts.filename === ':memory:' ? `mem:${Math.random()}` : resolve(opts.filename);
  }

  private stmt(sql: string): Database.Statement {
    this.opts.logSql?.(sql);
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, s);
    }
    return s;
  }

  private readonly direct: SqlExecutor = {
    dialect: 'sqlite3',
    query: <R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
      try {
        return Promise.resolve(this.stmt(sql).all(...bind(params)) as R[]);
      } catch (err) {
        return Promise.reject(classify(err));
      }
    },
    exec: (sql: string, params: readonly unknown[] = []): Promise<number> => {
      try {
        return Promise.resolve(this.stmt(sql).run(...bind(params)).changes);
      } catch (err) {
        return Promise.reject(classify(err));
      }
    },
    insert: (sql: string, params: readonly unknown[] = []): Promise<number> => {
      try {
        return Promise.resolve(Number(this.stmt(sql).run(...bind(params)).lastInsertRowid));
      } catch (err) {
        return Promise.reject(classify(err));
      }
    },
    insertMany: (table, columns, rows, returning): Promise<Row[]> => {
      try {
        const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
        // One prepared statement runs once per row: in SQLite that beats a multi-row INSERT. The
        // returned columns come from the row itself and lastInsertRowid, cheaper than RETURNING.
        if (returning) {
          const wanted = returning.split(',').map((c) => c.trim());
          const pos = wanted.map((c) => (c === 'id' ? -1 : columns.indexOf(c)));
          if (pos.some((p, i) => p < 0 && wanted[i] !== 'id')) throw new SqlFailure('other', `cannot return "${returning}" from ${table}`);
          const s = this.stmt(sql);
          return Promise.resolve(
            rows.map((r) => {
              const id = Number(s.run(...bind(r)).lastInsertRowid);
              const out: Row = {};
              wanted.forEach((c, i) => (out[c] = pos[i]! < 0 ? id : r[pos[i]!]));
              return out;
            }),
          );
        }
        const s = this.stmt(sql);
        for (const r of rows) s.run(...bind(r));
        return Promise.resolve([]);
      } catch (err) {
        return Promise.reject(classify(err));
      }
    },
  };

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    return withFileLock(this.lockKey, () => this.direct.query<R>(sql, params));
  }

  exec(sql: string, params?: readonly unknown[]): Promise<number> {
    return withFileLock(this.lockKey, () => this.direct.exec(sql, params));
  }

  insert(sql: string, params?: readonly unknown[]): Promise<number> {
    return withFileLock(this.lockKey, () => this.direct.insert(sql, params));
  }

  insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<Row[]> {
    return withFileLock(this.lockKey, () => this.direct.insertMany(table, columns, rows, returning));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN IMMEDIATE', fn);
  }

  readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    // Deferred: it takes no write lock, and its first read fixes the snapshot (WAL) it sees.
    return this.inTransaction('BEGIN', fn);
  }

  /** Runs `fn` between `begin` and COMMIT (ROLLBACK when it throws), holding the file lock. */
  private inTransaction<T>(begin: 'BEGIN' | 'BEGIN IMMEDIATE', fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return withRetries(() =>
      withFileLock(this.lockKey, async () => {
        if (this.closed) throw new SqlFailure('unavailable', 'the database connection is closed');
        try {
          this.stmt(begin).run();
        } catch (err) {
          throw classify(err);
        }
        try {
          const out = await fn(this.direct);
          this.stmt('COMMIT').run();
          return out;
        } catch (err) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw err instanceof Database.SqliteError ? classify(err) : err;
        }
      }),
    );
  }

  async readSnapshot(): Promise<SqlSnapshot> {
    if (this.closed) throw new SqlFailure('unavailable', 'the database connection is closed');
    if (this.opts.filename !== ':memory:') {
      // A connection of its own, on a thread of its own (see sqlite-snapshot.ts).
      this.snapshotThreads ??= new SnapshotThreads({ filename: this.opts.filename, busyTimeoutMs: this.opts.busyTimeoutMs ?? 5000 }, classify, this.opts.logSql);
      return this.snapshotThreads.open();
    }
    // An in-memory database has one connection: hold the file lock for the whole snapshot.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    void withFileLock(this.lockKey, () => {
      entered();
      return held;
    });
    await inside;
    try {
      if (this.closed) throw new SqlFailure('unavailable', 'the database connection is closed');
      this.db.exec('BEGIN');
    } catch (err) {
      release();
      throw classify(err);
    }
    return snapshotOn(this.db, true, this.opts.logSql, () => {
      try {
        if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
      } finally {
        release();
      }
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1 AS ok');
  }

  /** Runs a script of several statements (migrations). */
  execScript(sql: string): void {
    this.db.exec(sql);
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.statements.clear();
      this.db.close();
      await this.snapshotThreads?.close();
    }
  }
}
