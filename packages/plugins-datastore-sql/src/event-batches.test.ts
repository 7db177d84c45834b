import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATASTORE_MAX_PAGE_SIZE } from '@spire-ts/core/plugin';
import type { Row, SqlDriver, SqlExecutor } from './driver/sql-driver.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';

/** The SELECTs on the event tables a driver ran, directly or in its read transactions. */
function countEventSelects(driver: SqlDriver): string[] {
  const seen: string[] = [];
  const counted = (x: SqlExecutor): SqlExecutor => ({
    dialect: x.dialect,
    query: <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
      if (/FROM (registered_entries_events|attested_node_entries_events)/.test(sql)) seen.push(sql);
      return x.query<R>(sql, params);
    },
    exec: (sql, params) => x.exec(sql, params),
    insert: (sql, params) => x.insert(sql, params),
    insertMany: (t, c, r, ret) => x.insertMany(t, c, r, ret),
  });
  const direct = counted({ dialect: driver.dialect, query: driver.query.bind(driver), exec: driver.exec.bind(driver), insert: driver.insert.bind(driver), insertMany: driver.insertMany.bind(driver) });
  driver.query = direct.query;
  const read = driver.readTransaction.bind(driver);
  driver.readTransaction = <T>(fn: (tx: SqlExecutor) => Promise<T>) => read((tx) => fn(counted(tx)));
  return seen;
}

describe('SqlStore event batches', () => {
  it('reads skipped event IDs with one IN query per page of IDs', async () => {
    const driver = new SqliteDriver({ filename: ':memory:' });
    await migrate(driver, { disable: false, codeVersion: '1.16.0' });
    const ds = new SqlStore(driver);
    try {
      const statements = countEventSelects(driver);
      const ids = Array.from({ length: 2 * DATASTORE_MAX_PAGE_SIZE + 1 }, (_, i) => i + 1);
      assert.deepEqual(await ds.fetchRegistrationEntryEvents(ids), []);
      assert.equal(statements.length, 3);
      assert.ok(statements.every((s) => s.includes('WHERE id IN (')));
      await ds.fetchAttestedNodeEvents([1, 2, 3]);
      assert.equal(statements.length, 4);
      assert.deepEqual(await ds.eventIdSpacing(), { increment: 1, offset: 1 });
    } finally {
      await ds.close();
    }
  });
});
