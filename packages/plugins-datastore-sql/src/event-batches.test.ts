import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DATASTORE_MAX_PAGE_SIZE } from '@spire-ts/core/plugin';
import type { Row, SqlDriver } from './driver/sql-driver.js';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';

/** The SELECTs a driver ran against the event tables. */
function countEventSelects(driver: SqlDriver): string[] {
  const seen: string[] = [];
  const query = driver.query.bind(driver);
  driver.query = <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
    if (/FROM (registered_entries_events|attested_node_entries_events)/.test(sql)) seen.push(sql);
    return query<R>(sql, params);
  };
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
