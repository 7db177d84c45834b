import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { silentLogger } from '@spire-ts/core/plugin';
import { openDriver } from '../open.js';
import { mustParse, mysqlDb, postgresDb, type TestDb } from '../testing/targets.js';
import { parseMysqlDsn } from '../conn-string.js';
import { MysqlDriver } from './mysql-driver.js';
import type { SqlDriver } from './sql-driver.js';

// max_idle_conns and conn_max_lifetime as Go's database/sql (and so upstream) apply them:
// a released connection beyond max_idle_conns is closed, not kept idle; a connection older than
// conn_max_lifetime is closed and replaced. Checked from the database's side.

const targets = [
  { name: 'PostgreSQL', make: postgresDb, self: 'SELECT pg_backend_pid() AS id', sessions: 'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()' },
  { name: 'MariaDB', make: mysqlDb, self: 'SELECT CONNECTION_ID() AS id', sessions: 'SELECT count(*) AS n FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()' },
] as const;

/** Polls `check` every 50 ms until it holds; fails with `what` after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const target of targets) {
  const t = await target.make();
  if (t.fail) {
    it(`pool options on ${target.name}`, () => assert.fail(t.fail));
    continue;
  }
  describe(`pool options on ${target.name}`, { skip: t.skip }, () => {
    const db = t.db as TestDb;
    const opened: SqlDriver[] = [];
    const open = (extra: Record<string, unknown>): SqlDriver => {
      const cfg = mustParse({ ...db.pluginData, ...extra });
      const d = openDriver(cfg, cfg.connection, silentLogger());
      opened.push(d);
      return d;
    };
    after(async () => {
      for (const d of opened) await d.close();
      await db?.drop();
    });
    it('max_idle_conns: connections released beyond it are closed, not kept idle', async () => {
      const watcher = db.driver();
      opened.push(watcher);
      const count = async () => Number((await watcher.query<{ n: number }>(target.sessions))[0]!.n);
      const d = open({ max_open_conns: 4, max_idle_conns: 1 });
      // Four statements at once hold four connections.
      await Promise.all(Array.from({ length: 4 }, () => d.transaction((tx) => tx.query(target.self))));
      await Promise.all(Array.from({ length: 4 }, () => d.query(target.self)));
      await until('the idle connections to drop to max_idle_conns (1)', async () => (await count()) <= 1, 3000);
    });

    it('conn_max_lifetime: a connection older than it is closed and replaced', async () => {
      const d = open({ max_open_conns: 2, conn_max_lifetime: '1s' });
      const first = Number((await d.query<{ id: number }>(target.self))[0]!.id);
      await until('a new connection to replace the one older than conn_max_lifetime', async () => Number((await d.query<{ id: number }>(target.self))[0]!.id) !== first, 5000);
    });
  });
}

// The idle time (upstream's fixed ConnMaxIdleTime, 30 s) applies however many connections
// max_idle_conns allows: mysql2's pool only applies its idleTimeout to connections beyond maxIdle.
const maria = await mysqlDb();
describe('idle time on MariaDB', { skip: maria.skip }, () => {
  after(() => maria.db?.drop());
  it('a connection idle longer than the idle time is closed, even within max_idle_conns', async () => {
    if (maria.fail) assert.fail(maria.fail);
    const db = maria.db!;
    const spec = parseMysqlDsn(String(db.pluginData.connection_string)).spec!;
    const d = new MysqlDriver({ pool: { host: spec.host, port: spec.port, user: spec.user, password: spec.password, database: spec.database, connectionLimit: 2, maxIdle: 2, idleTimeout: 300 } });
    const watcher = db.driver();
    try {
      const first = Number((await d.query<{ id: number }>('SELECT CONNECTION_ID() AS id'))[0]!.id);
      const alive = async () => (await watcher.query('SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?', [first])).length > 0;
      await until('the idle connection to be closed', async () => !(await alive()), 5000);
    } finally {
      await d.close();
      await watcher.close();
    }
  });
});
