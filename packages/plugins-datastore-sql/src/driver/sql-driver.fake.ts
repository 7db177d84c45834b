import { SqlFailure, type Row, type SqlDriver, type SqlExecutor, type SqlSnapshot } from './sql-driver.js';

/**
 * A SqlDriver for tests that wraps a real one (usually SQLite) and can be taken "down": while
 * down every call fails as an unreachable database does, and it works again after `up()`, as a
 * database that comes back. Lets the store's outage handling be tested without a server.
 */
export class FlakyDriver implements SqlDriver {
  private isDown = false;
  /** How many calls failed because the driver was down. */
  failures = 0;

  constructor(private readonly inner: SqlDriver) {}

  get dialect(): SqlDriver['dialect'] {
    return this.inner.dialect;
  }

  /** Makes every following call fail with SqlFailure('unavailable'). */
  down(): void {
    this.isDown = true;
  }

  /** Lets calls through again. */
  up(): void {
    this.isDown = false;
  }

  private check(): void {
    if (this.isDown) {
      this.failures++;
      throw new SqlFailure('unavailable', 'connect ECONNREFUSED 127.0.0.1:5432 (fake outage)');
    }
  }

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    this.check();
    return this.inner.query<R>(sql, params);
  }
  async exec(sql: string, params?: readonly unknown[]): Promise<number> {
    this.check();
    return this.inner.exec(sql, params);
  }
  async insert(sql: string, params?: readonly unknown[]): Promise<number> {
    this.check();
    return this.inner.insert(sql, params);
  }
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<Row[]> {
    this.check();
    return this.inner.insertMany(table, columns, rows, returning);
  }
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.check();
    return this.inner.transaction(fn);
  }
  async readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.check();
    return this.inner.readTransaction(fn);
  }
  async readSnapshot(): Promise<SqlSnapshot> {
    this.check();
    const snap = await this.inner.readSnapshot();
    const checked = <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        this.check();
      } catch (err) {
        return Promise.reject(err as Error);
      }
      return fn();
    };
    return {
      dialect: snap.dialect,
      exclusive: snap.exclusive,
      query: (sql, params) => checked(() => snap.query(sql, params)),
      queryArrays: (sql, params) => checked(() => snap.queryArrays(sql, params)),
      queryColumn: (sql, params) => checked(() => snap.queryColumn(sql, params)),
      exec: (sql, params) => checked(() => snap.exec(sql, params)),
      insert: (sql, params) => checked(() => snap.insert(sql, params)),
      insertMany: (t, c, r, ret) => checked(() => snap.insertMany(t, c, r, ret)),
      end: () => snap.end(),
    };
  }
  async ping(): Promise<void> {
    this.check();
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
