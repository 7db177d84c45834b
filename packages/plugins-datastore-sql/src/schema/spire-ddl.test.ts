import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Dialect } from '../driver/sql-driver.js';
import { mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from '../testing/targets.js';
import { catalogProblems, readCatalog, type Catalog } from './catalog.js';
import { EXPECTED_MYSQL } from './spire-ddl/expected-mysql.js';
import { EXPECTED_POSTGRES } from './spire-ddl/expected-postgres.js';
import { EXPECTED_SQLITE3 } from './spire-ddl/expected-sqlite3.js';
import { spireSchemaDdl, spireStepDdl } from './spire-ddl.js';
import { SPIRE_MIN_SCHEMA_VERSION, SPIRE_SCHEMA_VERSION } from './spire-model.js';

const EXPECTED: Record<Dialect, Catalog> = { sqlite3: EXPECTED_SQLITE3, postgres: EXPECTED_POSTGRES, mysql: EXPECTED_MYSQL };

async function catalogAfter(db: TestDb, statements: string[]): Promise<Catalog> {
  const d = db.driver();
  try {
    for (const s of statements) await d.exec(s);
    return await readCatalog(d);
  } finally {
    await d.close();
  }
}

function suite(name: string, target: () => Promise<{ db?: TestDb } & Availability>): void {
  describe(`upstream schema DDL (${name})`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const db of dbs) await db.drop();
    });
    async function fresh(t: { skip: (m?: string) => void }): Promise<TestDb | undefined> {
      const r = await target();
      if (r.fail) throw new Error(r.fail);
      if (!r.db) {
        t.skip(r.skip);
        return undefined;
      }
      dbs.push(r.db);
      return r.db;
    }

    it('creates exactly the expected catalog at the current version', async (t) => {
      const db = await fresh(t);
      if (!db) return;
      const got = await catalogAfter(db, spireSchemaDdl(db.driver().dialect, SPIRE_SCHEMA_VERSION));
      const want = EXPECTED[db.driver().dialect];
      assert.deepEqual(catalogProblems(want, got), []);
      assert.deepEqual(Object.keys(got.tables).sort(), Object.keys(want.tables).sort(), 'no extra tables');
      assert.deepEqual(Object.keys(got.indexes).sort(), Object.keys(want.indexes).sort(), 'no extra indexes');
    });

    it('a database this server opened holds that catalog, with only extras Go SPIRE tolerates', async (t) => {
      const db = await fresh(t);
      if (!db) return;
      await (await db.open()).close?.();
      const got = await catalogAfter(db, []);
      const d = db.driver();
      const dialect = d.dialect;
      await d.close();
      assert.deepEqual(catalogProblems(EXPECTED[dialect], got), []);
      const extraCols = Object.entries(got.tables).flatMap(([t, x]) =>
        x.columns.filter((c) => !EXPECTED[dialect].tables[t]?.columns.some((e) => e.name === c.name)).map((c) => `${t}.${c.name}`),
      );
      assert.deepEqual(extraCols.sort(), ['ca_journals.expires_at_unix', 'registered_entries.similarity_key', 'registered_entries.similarity_revision']);
      assert.deepEqual(Object.keys(got.tables).sort(), Object.keys(EXPECTED[dialect].tables).sort(), 'no extra tables');
    });

    it('reaches the same catalog from the oldest supported version by upstream steps', async (t) => {
      const db = await fresh(t);
      if (!db) return;
      const d = db.driver().dialect;
      const stmts = spireSchemaDdl(d, SPIRE_MIN_SCHEMA_VERSION);
      for (let v = SPIRE_MIN_SCHEMA_VERSION; v < SPIRE_SCHEMA_VERSION; v++) stmts.push(...spireStepDdl(d, v));
      assert.deepEqual(catalogProblems(EXPECTED[d], await catalogAfter(db, stmts)), []);
    });
  });
}

suite('sqlite3', async () => ({ db: sqliteDb() }));
suite('postgres', postgresDb);
suite('mysql', mysqlDb);
