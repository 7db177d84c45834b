import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataStore } from '@spire-ts/core/plugin';
import type { Row, SqlDriver, SqlExecutor, SqlSnapshot } from './sql-driver.js';

/** One store call being watched: its method name and each unit of work it ran. */
interface Call {
  method: string;
  units: string[];
}

const current = new AsyncLocalStorage<Call>();

/**
 * A SqlDriver for tests that wraps a real one and checks that every store call is one
 * transaction: within one call of a store made by `watchStore`, a second unit of work (a
 * statement outside a transaction, a transaction, a read transaction or a snapshot) throws.
 */
export class OneTransactionDriver implements SqlDriver {
  constructor(private readonly inner: SqlDriver) {}

  get dialect(): SqlDriver['dialect'] {
    return this.inner.dialect;
  }

  private unit(what: string): void {
    const call = current.getStore();
    if (!call) return;
    call.units.push(what);
    if (call.units.length > 1) {
      throw new Error(`${call.method} is not one transaction: it ran ${call.units.map((u) => JSON.stringify(u)).join(', then ')}`);
    }
  }

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    this.unit(sql);
    return this.inner.query<R>(sql, params);
  }
  async exec(sql: string, params?: readonly unknown[]): Promise<number> {
    this.unit(sql);
    return this.inner.exec(sql, params);
  }
  async insert(sql: string, params?: readonly unknown[]): Promise<number> {
    this.unit(sql);
    return this.inner.insert(sql, params);
  }
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returning?: string): Promise<Row[]> {
    this.unit(`INSERT INTO ${table}`);
    return this.inner.insertMany(table, columns, rows, returning);
  }
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.unit('a transaction');
    return this.inner.transaction(fn);
  }
  async readTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.unit('a read transaction');
    return this.inner.readTransaction(fn);
  }
  async readSnapshot(): Promise<SqlSnapshot> {
    this.unit('a snapshot');
    return this.inner.readSnapshot();
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** `ds` with each method call watched by the OneTransactionDriver(s) under it. */
export function watchStore(ds: DataStore): DataStore {
  return new Proxy(ds, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => current.run({ method: String(prop), units: [] }, () => (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}
