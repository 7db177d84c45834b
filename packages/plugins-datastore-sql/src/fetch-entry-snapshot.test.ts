import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger, type RegistrationEntry } from '@spire-ts/core/plugin';
import { makeEntry } from '@spire-ts/core/plugin/testing';
import type { SqlDriver, SqlExecutor } from './driver/sql-driver.js';
import { openDriver } from './open.js';
import { SqlStore } from './store/sql-store.js';
import { mustParse, mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from './testing/targets.js';

/**
 * `driver`, calling `onQuery` after each SELECT it answers, also inside its (read) transactions,
 * before handing the rows back.
 */
function hooked(driver: SqlDriver, onQuery: (sql: string) => Promise<void>): SqlDriver {
  const watch = (ex: SqlExecutor): SqlExecutor =>
    new Proxy(ex, {
      get(target, prop, receiver) {
        if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
        return async (sql: string, params?: readonly unknown[]) => {
          const rows = await target.query(sql, params);
          await onQuery(sql);
          return rows;
        };
      },
    });
  return new Proxy(watch(driver) as SqlDriver, {
    get(target, prop, receiver) {
      if (prop === 'transaction' || prop === 'readTransaction') {
        return <T>(fn: (tx: SqlExecutor) => Promise<T>) => driver[prop]((tx) => fn(watch(tx)));
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(prop === 'query' ? target : driver) : v;
    },
  });
}

const entry = (selector: string): RegistrationEntry =>
  makeEntry({ entryId: 'snapshot-entry', spiffeId: 'spiffe://example.org/workload', parentId: 'spiffe://example.org/agent', selectors: [{ type: 'unix', value: selector }] });

/**
 * An update of the entry lands between the read of its row and the read of its selectors: the
 * fetch must still see the entry as it was (one snapshot), and the update must land after it.
 */
async function fetchDuringUpdate(db: TestDb): Promise<void> {
  await (await db.open()).close?.();
  const cfg = mustParse(db.pluginData);
  const driver = openDriver(cfg, cfg.connection, silentLogger());
  const writer = new SqlStore(driver);
  let between: (() => Promise<void>) | undefined;
  const reader = new SqlStore(
    hooked(driver, async (sql) => {
      if (!between || !sql.includes('FROM registered_entries')) return;
      const run = between;
      between = undefined;
      await run();
    }),
  );
  try {
    const created = await writer.createRegistrationEntry(entry('uid:1'));
    let update: Promise<RegistrationEntry> | undefined;
    between = async () => {
      update = writer.updateRegistrationEntry({ ...created, selectors: [{ type: 'unix', value: 'uid:2' }] });
      // The update commits now where the database lets it (PostgreSQL, MySQL); SQLite's waits for
      // the reader's transaction, so do not wait for it forever.
      await Promise.race([update, delay(300)]);
    };
    const got = await reader.fetchRegistrationEntry(created.entryId);
    assert.equal(between, undefined, 'the update ran between the two reads');
    assert.equal(got?.revisionNumber, created.revisionNumber);
    assert.deepEqual(got?.selectors, [{ type: 'unix', value: 'uid:1' }]);
    const updated = await update!;
    assert.equal(updated.revisionNumber, created.revisionNumber + 1);
    assert.deepEqual((await writer.fetchRegistrationEntry(created.entryId))?.selectors, [{ type: 'unix', value: 'uid:2' }]);
  } finally {
    await writer.close();
  }
}

function dialect(name: string, target: () => Promise<{ db?: TestDb } & Availability>): void {
  describe(`fetchRegistrationEntry reads one snapshot (${name})`, () => {
    let db: TestDb | undefined;
    after(() => db?.drop());
    it('sees the entry as it was when an update lands between its row and its selectors', async (t) => {
      const got = await target();
      if (got.fail) assert.fail(got.fail);
      if (!got.db) return t.skip(got.skip);
      db = got.db;
      await fetchDuringUpdate(db);
    });
  });
}

dialect('sqlite3', async () => ({ db: sqliteDb() }));
dialect('postgres', postgresDb);
dialect('mysql', mysqlDb);
