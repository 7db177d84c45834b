import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { Code, SpireError, silentLogger } from '@spire-ts/core/plugin';
import { SqliteDriver } from './driver/sqlite-driver.js';
import { openDriver } from './open.js';
import { migrate } from './schema/migrate.js';
import { SqlStore } from './store/sql-store.js';
import { mustParse, postgresDb } from './testing/targets.js';

const FAR = 4_000_000_000;

function refusedWrite(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof SpireError, String(err));
    assert.equal(err.code, Code.UNAVAILABLE);
    assert.equal(err.message, message);
    return true;
  };
}

describe('checkWritable on a database that refuses writes', () => {
  it('SQLite with PRAGMA query_only: reads answer, checkWritable fails until writes work again, and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spire-ro-'));
    const driver = new SqliteDriver({ filename: join(dir, 'ds.sqlite3') });
    try {
      await migrate(driver, { disable: false, codeVersion: '1.16.0' });
      const ds = new SqlStore(driver);
      const rows = async () => Number((await driver.query<{ n: number }>('SELECT COUNT(*) AS n FROM migrations'))[0]!.n);
      const before = await rows();
      await ds.checkWritable();
      assert.equal(await rows(), before, 'the probe rolled its write back');

      // Root ignores file modes, so the connection itself is made read-only.
      await driver.exec('PRAGMA query_only = ON');
      await ds.ping();
      assert.equal(await ds.countJoinTokens(), 0, 'reads still work');
      await assert.rejects(ds.createJoinToken({ token: 't', expiry: FAR }));
      await assert.rejects(ds.checkWritable(), refusedWrite('database does not accept writes: attempt to write a readonly database'));

      await driver.exec('PRAGMA query_only = OFF');
      await ds.checkWritable();
      assert.equal(await rows(), before);
    } finally {
      await driver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL with default_transaction_read_only: reads answer, checkWritable fails', async (t) => {
    const target = await postgresDb();
    if (target.fail) throw new Error(target.fail);
    if (!target.db) return t.skip(target.skip);
    const db = target.db;
    after(() => db.drop());
    const first = await db.open();
    await first.checkWritable();
    await first.close?.();

    const url = new URL(String(db.pluginData.connection_string));
    const admin = new pg.Client({ connectionString: process.env.SPIRE_TEST_POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${url.pathname.slice(1)} SET default_transaction_read_only = on`);
    } finally {
      await admin.end();
    }
    // A fresh pool: the setting applies to new sessions.
    const cfg = mustParse(db.pluginData);
    const ds = new SqlStore(openDriver(cfg, cfg.connection, silentLogger()));
    try {
      await ds.ping();
      assert.equal(await ds.countBundles(), 0, 'reads still work');
      await assert.rejects(ds.checkWritable(), refusedWrite('database does not accept writes: cannot execute UPDATE in a read-only transaction'));
    } finally {
      await ds.close();
    }
  });
});
