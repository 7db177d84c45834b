import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqliteDb } from '../testing/targets.js';
import { SqliteDriver } from './sqlite-driver.js';
import { IDLE_SNAPSHOT_THREADS, SnapshotThreads } from './sqlite-snapshot.js';
import { SqlFailure } from './sql-driver.js';

const classify = (err: unknown) => new SqlFailure('other', String((err as Error).message));

async function withFile(fn: (file: string, d: SqliteDriver) => Promise<void>): Promise<void> {
  const db = sqliteDb();
  const file = db.pluginData.connection_string as string;
  const d = new SqliteDriver({ filename: file });
  d.execScript('CREATE TABLE t (v INTEGER)');
  try {
    await fn(file, d);
  } finally {
    await d.close();
    await db.drop();
  }
}

describe('SQLite snapshot threads', () => {
  it('lends an ended snapshot thread to the next snapshot, which sees the writes made meanwhile', async () => {
    await withFile(async (file, d) => {
      const threads = new SnapshotThreads({ filename: file, busyTimeoutMs: 1000 }, classify, undefined);
      await d.exec('INSERT INTO t (v) VALUES (1)');
      const a = await threads.open();
      await d.exec('INSERT INTO t (v) VALUES (2)');
      assert.deepEqual(await a.queryColumn('SELECT v FROM t ORDER BY v'), [1]);
      await a.end();
      assert.equal(threads.idleCount, 1);
      const b = await threads.open();
      assert.equal(threads.idleCount, 0);
      assert.deepEqual(await b.queryColumn('SELECT v FROM t ORDER BY v'), [1, 2]);
      await b.end();
      await assert.rejects(b.query('SELECT v FROM t'), /the read snapshot has ended/);
      assert.equal(threads.idleCount, 1);
      await threads.close();
      assert.equal(threads.idleCount, 0);
      await assert.rejects(threads.open(), /the database connection is closed/);
    });
  });

  it(`keeps at most ${IDLE_SNAPSHOT_THREADS} idle threads`, async () => {
    await withFile(async (file) => {
      const threads = new SnapshotThreads({ filename: file, busyTimeoutMs: 1000 }, classify, undefined);
      const open = await Promise.all(Array.from({ length: IDLE_SNAPSHOT_THREADS + 1 }, () => threads.open()));
      for (const s of open) await s.end();
      assert.equal(threads.idleCount, IDLE_SNAPSHOT_THREADS);
      await threads.close();
    });
  });

  it('a failed query leaves the snapshot and its thread usable', async () => {
    await withFile(async (file) => {
      const threads = new SnapshotThreads({ filename: file, busyTimeoutMs: 1000 }, classify, undefined);
      const s = await threads.open();
      await assert.rejects(s.query('SELECT nope FROM t'), /no such column/);
      assert.deepEqual(await s.queryColumn('SELECT count(*) FROM t'), [0]);
      await s.end();
      assert.equal(threads.idleCount, 1);
      await threads.close();
    });
  });
});
