import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { SqliteDriver } from '../driver/sqlite-driver.js';
import { sqliteDb } from '../testing/targets.js';
import { migrate, schemaVersion } from './migrate.js';
import { SCHEMA_VERSION } from './migrations.js';

describe('schema migrations', () => {
  it('migrates an empty database once, and a second start finds it current', async () => {
    const db = sqliteDb();
    const ds = await db.open();
    await ds.close?.();
    const ds2 = await db.open();
    await ds2.close?.();
    const raw = new SqliteDriver({ filename: db.pluginData.connection_string as string });
    assert.equal(await schemaVersion(raw), SCHEMA_VERSION);
    const rows = await raw.query('SELECT version FROM spire_ts_schema');
    assert.equal(rows.length, SCHEMA_VERSION, 'each version applied exactly once');
    await raw.close();
    await db.drop();
  });

  it('refuses to start on a schema newer than the code, with a clear message', async () => {
    const db = sqliteDb();
    await (await db.open()).close?.();
    const raw = new SqliteDriver({ filename: db.pluginData.connection_string as string });
    await raw.exec("INSERT INTO spire_ts_schema (version, code_version, applied_at) VALUES (?, 'future', 0)", [SCHEMA_VERSION + 5]);
    await raw.close();
    await assert.rejects(db.open(), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.equal(
        err.message,
        `the database schema is at version ${SCHEMA_VERSION + 5}, newer than version ${SCHEMA_VERSION} that this server knows; upgrade the server (it refuses to start so that it cannot damage newer data)`,
      );
      return true;
    });
    await db.drop();
  });

  it('with disable_migration, refuses an old schema and accepts a current one', async () => {
    const db = sqliteDb();
    await assert.rejects(db.open({ disable_migration: true }), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.FAILED_PRECONDITION);
      assert.equal(
        err.message,
        `the database schema is at version 0 and this server needs version ${SCHEMA_VERSION}, but disable_migration is set; run a server with migrations enabled once`,
      );
      return true;
    });
    await (await db.open()).close?.();
    const ds = await db.open({ disable_migration: true });
    assert.equal(await ds.countBundles(), 0);
    await ds.close?.();
    await db.drop();
  });

  it('migrating concurrently from two drivers applies each version once', async () => {
    const db = sqliteDb();
    const file = db.pluginData.connection_string as string;
    const a = new SqliteDriver({ filename: file });
    const b = new SqliteDriver({ filename: file });
    await Promise.all([migrate(a, { disable: false, codeVersion: 't' }), migrate(b, { disable: false, codeVersion: 't' })]);
    assert.equal((await a.query('SELECT version FROM spire_ts_schema')).length, SCHEMA_VERSION);
    await a.close();
    await b.close();
    await db.drop();
  });
});

describe('opening SQLite', () => {
  it('creates the directory of the database file when missing', async () => {
    const db = sqliteDb();
    const file = String(db.pluginData.connection_string).replace(/datastore\.sqlite3$/, 'nested/dir/datastore.sqlite3');
    const ds = await db.open({ connection_string: file });
    assert.equal(await ds.countBundles(), 0);
    await ds.close?.();
    await db.drop();
  });

  it('gives UNAVAILABLE when the file cannot be opened', async () => {
    const db = sqliteDb();
    // The "directory" is a regular file, so neither mkdir nor open can succeed.
    const blocker = String(db.pluginData.connection_string).replace(/datastore\.sqlite3$/, 'a-file');
    writeFileSync(blocker, 'x');
    const bad = `${blocker}/datastore.sqlite3`;
    await assert.rejects(db.open({ connection_string: bad }), (err: unknown) => {
      assert.ok(err instanceof SpireError);
      assert.equal(err.code, Code.UNAVAILABLE);
      assert.ok(err.message.startsWith(`database unavailable: cannot open SQLite database "${bad}": `), err.message);
      return true;
    });
    await db.drop();
  });
});
