import pg from 'pg';
import {
  multiRowInserts,
  PooledStatements,
  numberPlaceholders,
  SqlFailure,
  withRetries,
  type Row,
  type SqlDriver,
  type SqlExecutor,
  type SqlFailureKind,
  type SqlSnapshot,
} from './sql-driver.js';

/** Options of the PostgreSQL driver: a pg pool config plus the store's logging hook. */
export interface PgOptions {
  pool: pg.PoolConfig;
  logSql?: (sql: string) => void;
  /** max_idle_conns: a released connection is closed when this many are idle already (unlimited when unset). */
  maxIdle?: number;
}

const UNAVAILABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function classify(err: unknown): SqlFailure {
  if (err instanceof SqlFailure) return err;
  const code = (err as { code?: unknown }).code;
  const msg = err instanceof Error ? err.message : String(err);
  let kind: SqlFailureKind = 'other';
  if (code === '23505') kind = 'unique';
  else if (code === '23503') kind = 'foreign-key';
  else if (code === '40001' || code === '40P01') kind = 'retry';
  else if (code === '22001') kind = 'too-long';
  else if (
    (typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || code === '53300' || UNAVAILABLE_NET.has(code))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Connection ended/i.test(msg)
  ) {
    kind = 'unavailable';
  }
  return new SqlFailure(kind, msg, { cause: err });
}

function bind(params: readonly unknown[]): unknown[] {
  return params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p) : p));
}

// 64-bit integers and numerics come back as numbers: every value the store keeps fits in 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function executor(run: (sql: string, params: unknown[]) => Promise<pg.QueryResult>, log?: (s: string) => void): SqlExecutor {
  const go = async (sql: string, params: readonly unknown[]): Promise<pg.QueryResult> => {
    const text = numberPlaceholders(sql);
    log?.(text);
    try {
      return await run(text, bind(params));
    } catch (err) {
      throw classify(err);
    }
  };
  return {
    dialect: 'postgres',
    query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => (await go(sql, params)).rows as R[],
    exec: async (sql, params = []) => (await go(sql, params)).rowCount ?? 0,
    insert: async (sql, params = []) => Number((await go(`${sql} RETURNING id`, params)).rows[0]?.id),
    insertMany: async (table, columns, rows, returning) => {
      const out: Row[] = [];
      for (const st of multiRowInserts(table, columns, rows, returning ? ` RETURNING ${returning}` : '')) {
        out.push(...((await go(st.sql, st.params)).rows as Row[]));
      }
      return out;
    },
  };
}

/** The 'error' event of a checked-out client: its failed query reports the error already. */
function ignoreClientError(): void {}

/** The PostgreSQL dialect of SqlDriver, on a pg pool that reconnects by itself. */
export class PgDriver extends PooledStatements implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  protected readonly direct: SqlExecutor;
  private closed = false;

  /** Makes the pool; connects lazily, so it never throws for an unreachable server. */
  constructor(private readonly opts: PgOptions) {
    super();
    // keepAlive lets a connection to a server that vanished without a reset fail instead of hang.
    this.pool = new pg.Pool({ connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, keepAlive: true, ...opts.pool, types });
    // An idle client whose server went away emits an error; the pool drops it and reconnects later.
    this.pool.on('error', () => undefined);
    this.direct = executor(async (text, params) => {
      const client = await this.pool.connect();
      client.on('error', ignoreClientError);
      try {
        const res = await client.query(text, params);
        this.release(client);
        return res;
      } catch (err) {
        // As pg's pool.query: a client whose statement failed is not reused.
        this.release(client, err as Error);
        throw err;
      }
    }, opts.logSql);
  }

  /**
   * Gives `client` back to the pool: closed when it failed, or when keeping it would make more
   * idle connections than max_idle_conns (Go's database/sql rule; a waiting caller takes it instead).
   */
  private release(client: pg.PoolClient, err?: Error): void {
    client.off('error', ignoreClientError);
    const surplus = this.pool.waitingCount === 0 && this.pool.idleCount >= (this.opts.maxIdle ?? Infinity);
    client.release(err ?? surplus);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN', fn);
  }

  readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  /** Runs `fn` on one pooled client between `begin` and COMMIT (ROLLBACK when it throws). */
  private inTransaction<T>(begin: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return withRetries(async () => {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw classify(err);
      }
      let broken: Error | undefined;
      // A checked-out client whose connection drops emits 'error' besides failing its query;
      // without a listener that event would crash the server.
      client.on('error', ignoreClientError);
      // BEGIN and COMMIT are the driver's own statements: their errors are classified here, as
      // the executor classifies those of `fn`'s statements; anything else `fn` throws is its own.
      const own = async (sql: string): Promise<void> => {
        try {
          await client.query(sql);
        } catch (err) {
          throw classify(err);
        }
      };
      try {
        await own(begin);
        const out = await fn(executor((text, params) => client.query(text, params), this.opts.logSql));
        await own('COMMIT');
        return out;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          broken = rollbackErr as Error;
        }
        throw err;
      } finally {
        this.release(client, broken);
      }
    });
  }

  async readSnapshot(): Promise<SqlSnapshot> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw classify(err);
    }
    client.on('error', ignoreClientError);
    const release = (err?: Error) => this.release(client, err);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A snapshot serves bulk scans made of many small index range reads: parallel workers cost
      // the database server more CPU than they save, on every core its clients also need.
      await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
      // Its joins fetch the children of one batch of parent rows: an index lookup per parent row.
      // Left to itself the planner hashes the whole child table for every batch instead.
      await client.query('SET LOCAL enable_hashjoin = off');
      await client.query('SET LOCAL enable_mergejoin = off');
    } catch (err) {
      release(err as Error);
      throw classify(err);
    }
    let ended = false;
    // A scan sends its next queries before the last ones are answered; one client runs one query
    // at a time, so they wait here in order.
    let tail: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const p = tail.then(fn, fn);
      tail = p.catch(() => undefined);
      return p;
    };
    const arrays = async (sql: string, params: readonly unknown[]): Promise<unknown[][]> => {
      const text = numberPlaceholders(sql);
      this.opts.logSql?.(text);
      try {
        return (await serial(() => client.query({ text, values: bind(params), rowMode: 'array' }))).rows as unknown[][];
      } catch (err) {
        throw classify(err);
      }
    };
    return {
      exclusive: false,
      ...executor((text, params) => serial(() => client.query(text, params)), this.opts.logSql),
      queryArrays: (sql, params = []) => arrays(sql, params),
      queryColumn: async (sql, params = []) => (await arrays(sql, params)).map((r) => r[0]),
      end: async () => {
        if (ended) return;
        ended = true;
        try {
          await serial(() => client.query('COMMIT'));
          release();
        } catch (err) {
          release(err as Error);
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
