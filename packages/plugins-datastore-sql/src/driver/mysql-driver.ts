import mysql from 'mysql2/promise';
import { multiRowInserts, PooledStatements, SqlFailure, withRetries, type Row, type SqlDriver, type SqlExecutor, type SqlFailureKind, type SqlSnapshot } from './sql-driver.js';

/** Options of the MySQL/MariaDB driver: a mysql2 pool config plus the store's logging hook. */
export interface MysqlOptions {
  pool: mysql.PoolOptions;
  logSql?: (sql: string) => void;
  /** Session system variables set on each new connection before its first statement (DSN parameters). */
  systemVariables?: Record<string, string>;
  /** conn_max_lifetime in milliseconds: older connections are closed, not reused (unlimited when unset). */
  maxLifetimeMs?: number;
}

/** How long a connection may stay idle: upstream's fixed ConnMaxIdleTime. */
const IDLE_TIME_MS = 30_000;

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
]);

function classify(err: unknown): SqlFailure {
  if (err instanceof SqlFailure) return err;
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : String(err);
  let kind: SqlFailureKind = 'other';
  if (code === 'ER_DUP_ENTRY') kind = 'unique';
  else if (code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_ROW_IS_REFERENCED_2') kind = 'foreign-key';
  else if (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT') kind = 'retry';
  else if (code === 'ER_DATA_TOO_LONG') kind = 'too-long';
  else if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || /closed state|Pool is closed|connect ETIMEDOUT/i.test(msg)) {
    kind = 'unavailable';
  }
  return new SqlFailure(kind, msg, { cause: err });
}

function isNative(err: unknown): boolean {
  return err instanceof Error && !(err instanceof SqlFailure) && typeof (err as { code?: unknown }).code === 'string';
}

type Queryable = Pick<mysql.Pool, 'query'>;

function executor(q: () => Queryable, log?: (s: string) => void): SqlExecutor {
  const go = async (sql: string, params: readonly unknown[]): Promise<unknown> => {
    log?.(sql);
    try {
      const [res] = await q().query(sql, params as unknown[]);
      return res;
    } catch (err) {
      throw classify(err);
    }
  };
  return {
    dialect: 'mysql',
    query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => (await go(sql, params)) as R[],
    exec: async (sql, params = []) => ((await go(sql, params)) as mysql.ResultSetHeader).affectedRows,
    insert: async (sql, params = []) => Number(((await go(sql, params)) as mysql.ResultSetHeader).insertId),
    insertMany: async (table, columns, rows, returning) => {
      if (returning) throw new SqlFailure('other', 'INSERT ... RETURNING is not available on MySQL');
      for (const st of multiRowInserts(table, columns, rows)) await go(st.sql, st.params);
      return [];
    },
  };
}

/** The MySQL/MariaDB dialect of SqlDriver, on a mysql2 pool that reconnects by itself. */
export class MysqlDriver extends PooledStatements implements SqlDriver {
  readonly dialect = 'mysql' as const;
  private readonly pool: mysql.Pool;
  protected readonly direct: SqlExecutor;
  private closed = false;

  /** Makes the pool; connects lazily, so it never throws for an unreachable server. */
  constructor(private readonly opts: MysqlOptions) {
    super();
    this.pool = mysql.createPool({
      connectTimeout: 5000,
      idleTimeout: IDLE_TIME_MS,
      charset: 'utf8mb4_bin',
      supportBigNumbers: false,
      ...opts.pool,
    });
    this.direct = executor(() => this.pool, opts.logSql);
    this.trackConnections(opts.maxLifetimeMs, opts.pool.idleTimeout ?? IDLE_TIME_MS);
    const vars = Object.entries(opts.systemVariables ?? {});
    if (vars.length > 0) {
      const set = `SET ${vars.map(([k, v]) => `${k}=${v}`).join(', ')}`;
      // Queued on the new connection ahead of whatever asked for it; a connection that refuses the
      // setting is dropped, so no statement runs without it.
      // mysql2 hands this event its callback-style connection, whatever the pool's typings say.
      this.pool.on('connection', (conn) => {
        const raw = conn as unknown as { query(sql: string, cb: (err: unknown) => void): void; destroy(): void };
        raw.query(set, (err) => {
          if (err) raw.destroy();
        });
      });
    }
  }

  /**
   * What mysql2's pool lacks of Go's database/sql (so of upstream): conn_max_lifetime (`lifetimeMs`:
   * a connection that old is closed at once when idle, else when it is next given back) and the
   * idle time for every idle connection (`idleMs`; mysql2 applies its idleTimeout only to those
   * beyond maxIdle).
   */
  private trackConnections(lifetimeMs: number | undefined, idleMs: number): void {
    // The events hand over mysql2's callback-style connections, whatever the pool's typings say.
    const close = (conn: object) => (conn as { destroy(): void }).destroy();
    /** The idle connections, each with its idle-time timer. */
    const idle = new WeakMap<object, NodeJS.Timeout>();
    const expired = new WeakSet<object>();
    this.pool.on('acquire', (conn) => {
      clearTimeout(idle.get(conn));
      idle.delete(conn);
    });
    this.pool.on('release', (conn) => {
      if (expired.has(conn)) close(conn);
      else idle.set(conn, setTimeout(() => close(conn), idleMs).unref());
    });
    if (!lifetimeMs) return;
    this.pool.on('connection', (conn) => {
      setTimeout(() => {
        expired.add(conn);
        if (idle.has(conn)) close(conn);
      }, lifetimeMs).unref();
    });
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction((conn) => conn.beginTransaction(), fn);
  }

  readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction(async (conn) => {
      await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    }, fn);
  }

  /** Runs `fn` on one pooled connection after `begin`, then commits (rolls back when it throws). */
  private inTransaction<T>(begin: (conn: mysql.PoolConnection) => Promise<unknown>, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return withRetries(async () => {
      let conn: mysql.PoolConnection;
      try {
        conn = await this.pool.getConnection();
      } catch (err) {
        throw classify(err);
      }
      let broken = false;
      try {
        await begin(conn);
        const out = await fn(executor(() => conn, this.opts.logSql));
        await conn.commit();
        return out;
      } catch (err) {
        try {
          await conn.rollback();
        } catch {
          broken = true;
        }
        throw isNative(err) ? classify(err) : err;
      } finally {
        if (broken) conn.destroy();
        else conn.release();
      }
    });
  }

  async readSnapshot(): Promise<SqlSnapshot> {
    let conn: mysql.PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (err) {
      throw classify(err);
    }
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    } catch (err) {
      conn.destroy();
      throw classify(err);
    }
    let ended = false;
    return {
      exclusive: false,
      ...executor(() => conn, this.opts.logSql),
      queryArrays: async (sql, params = []) => {
        this.opts.logSql?.(sql);
        try {
          const [rows] = await conn.query({ sql, rowsAsArray: true }, params as unknown[]);
          return rows as unknown[][];
        } catch (err) {
          throw classify(err);
        }
      },
      queryColumn: async (sql, params = []) => {
        this.opts.logSql?.(sql);
        try {
          const [rows] = await conn.query({ sql, rowsAsArray: true }, params as unknown[]);
          return (rows as unknown[][]).map((r) => r[0]);
        } catch (err) {
          throw classify(err);
        }
      },
      end: async () => {
        if (ended) return;
        ended = true;
        try {
          await conn.commit();
          conn.release();
        } catch {
          conn.destroy();
        }
      },
    };
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1 AS ok');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
