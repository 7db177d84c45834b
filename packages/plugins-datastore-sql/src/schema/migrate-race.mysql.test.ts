import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SqlDriver } from '../driver/sql-driver.js';
import { silentLogger } from '@spire-ts/core/plugin';
import { CODE_VERSION, openDriver } from '../open.js';
import { mustParse, mysqlDb, type TestDb } from '../testing/targets.js';
import { migrate } from './migrate.js';
import { freshSchemaDdl, SCHEMA_VERSION } from './migrations.js';

// Upstream #3948 on MySQL/MariaDB: DDL commits at once there, so a server that starts while
// another is creating the schema can see the `migrations` table before its row. It must wait for
// the creator's lock, not refuse "schema version 0".

const LOCK = "'spire_ts_migrate'";
const t = await mysqlDb();

describe('migrations on MySQL/MariaDB while another server creates the schema', () => {
  let db: TestDb | undefined;
  let creator: SqlDriver | undefined;
  let starter: SqlDriver | undefined;
  before(() => {
    if (t.fail) throw new Error(t.fail);
    db = t.db;
  });
  after(async () => {
    await starter?.close();
    await creator?.close();
    await db?.drop();
  });

  it('a server that finds the migrations table without its row waits for the lock, then finds the schema current', { skip: t.skip }, async () => {
    const target = db!;
    // One connection, so the named lock (a session's) stays with every statement the creator makes.
    const one = mustParse({ ...target.pluginData, max_open_conns: 1 });
    creator = openDriver(one, one.connection, silentLogger());
    starter = target.driver();
    const c = creator;
    // The creator: holds the lock, has run the DDL (committed, as MySQL does), has not written the row.
    const [held] = await c.transaction(async (tx) => {
      const rows = await tx.query<{ l: number }>(`SELECT GET_LOCK(${LOCK}, 10) AS l`);
      for (const s of freshSchemaDdl('mysql')) await tx.exec(s);
      return rows;
    });
    assert.equal(Number(held!.l), 1);
    let settled: { version?: number; error?: Error } | undefined;
    const started = migrate(starter, { disable: false, codeVersion: CODE_VERSION }).then(
      (version) => (settled = { version }),
      (error: Error) => (settled = { error }),
    );
    const waiting = async () => {
      const rows = await c.query<{ n: number }>("SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE STATE = 'User lock' AND DB = DATABASE()");
      return Number(rows[0]!.n) > 0;
    };
    const deadline = Date.now() + 10_000;
    while (!settled && !(await waiting())) {
      assert.ok(Date.now() < deadline, 'the starting server neither waited for the lock nor finished');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(settled?.error?.message, undefined, 'the starting server did not wait for the lock');
    assert.equal(settled, undefined, 'the starting server finished while the schema was being created');
    // The creator writes its row and lets go; the waiting server then finds the schema current.
    await c.exec('INSERT INTO migrations (created_at, updated_at, version, code_version) VALUES (NOW(), NOW(), ?, ?)', [SCHEMA_VERSION, CODE_VERSION]);
    await c.query(`SELECT RELEASE_LOCK(${LOCK}) AS l`);
    await started;
    assert.deepEqual(settled, { version: SCHEMA_VERSION });
    assert.equal((await c.query('SELECT id FROM migrations')).length, 1);
  });
});
