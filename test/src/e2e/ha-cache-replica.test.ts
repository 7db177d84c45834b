import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { postgresDb, type TestDb } from '@spire-ts/plugins-datastore-sql/testing';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import { ServerProcess } from './harness.js';

// Issue 22, "stale replica" (SPIRE #7210), on real PostgreSQL streaming replication: the server's
// full-cache rebuilds read entries through ro_connection_string; the replica stops replaying WAL
// (pg_wal_replay_pause) while entries are created through the server (on the primary), so every
// rebuild sees a snapshot without them. No agent may lose one of them: the server refuses those
// rebuilds (Warn) and rebuilds from the primary. Needs `bash scripts/test-dbs.sh replica`.

const TD = 'example.org';

/** The same database on another server of the cluster. */
function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** One value from psql at `url` (sslmode and password taken from the URL). */
function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-tAc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Polls `fn` until it is true or `ms` have passed; returns whether it became true. */
async function until(ms: number, fn: () => boolean | Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return true;
    } catch {
      // not yet
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('entry cache over a lagging PostgreSQL read replica', { timeout: 180_000 }, () => {
  const server = new ServerProcess(TD);
  let db: TestDb | undefined;
  let skip: string | undefined;
  let primaryUrl = '';
  let replicaUrl = '';
  let paused = false;
  let agent: AgentClient | undefined;

  before(async () => {
    const replica = process.env.SPIRE_TEST_POSTGRES_REPLICA_URL;
    if (!replica) {
      const why = 'SPIRE_TEST_POSTGRES_REPLICA_URL is not set (run: bash scripts/test-dbs.sh replica; eval "$(bash scripts/test-dbs.sh env)")';
      if (process.env.SPIRE_TEST_REQUIRE_DBS === '1') throw new Error(why);
      skip = why;
      return;
    }
    const r = await postgresDb();
    if (r.fail) throw new Error(r.fail);
    if (!r.db) {
      skip = r.skip;
      return;
    }
    db = r.db;
    primaryUrl = String(db.pluginData.connection_string);
    const name = new URL(primaryUrl).pathname.slice(1);
    replicaUrl = withDb(replica, name);
    assert.ok(await until(30_000, () => psql(replicaUrl, 'select 1') === '1'), 'the new database reaches the replica');
    await server.start({
      datastore: { database_type: 'postgres', connection_string: primaryUrl, ro_connection_string: replicaUrl },
      extraServer: 'experimental {\n    cache_reload_interval = "1s"\n  }',
    });
  });
  after(async () => {
    agent?.close();
    if (paused) psql(replicaUrl, 'select pg_wal_replay_resume()');
    await server.stop();
    await db?.drop();
  });

  it('no agent loses an entry created while the replica does not replay', async (t) => {
    if (skip) return t.skip(skip);
    agent = await server.agent();
    const agentId = (await agent.attest(joinTokenAttestor(await server.joinToken()))).spiffeId;
    const base = [];
    for (let i = 0; i < 3; i++) base.push(await server.createEntry({ spiffeId: `spiffe://${TD}/base/${i}`, parentId: agentId, selectors: [{ type: 'unix', value: `uid:${i}` }] }));
    // The replica has everything so far, then stops replaying.
    const lsn = psql(primaryUrl, 'select pg_current_wal_lsn()');
    assert.ok(await until(30_000, () => psql(replicaUrl, `select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn`) === 't'), 'replica caught up');
    psql(replicaUrl, 'select pg_wal_replay_pause()');
    paused = true;

    const late = [];
    for (let i = 0; i < 5; i++) late.push(await server.createEntry({ spiffeId: `spiffe://${TD}/late/${i}`, parentId: agentId, selectors: [{ type: 'unix', value: `uid:late${i}` }] }));
    assert.equal(psql(replicaUrl, 'select count(*) from registered_entries'), '3', 'the replica lacks the new entries');
    const all = [...base, ...late].sort();

    // Syncs across several 1s rebuilds: each must hold every entry.
    const refused = () => server.log().includes('Entry cache rebuild from the read replica would drop entries the primary still has');
    let syncs = 0;
    const sawRefusals = await until(20_000, async () => {
      await agent!.sync();
      syncs++;
      assert.deepEqual([...agent!.entries.keys()].sort(), all, `sync ${syncs}`);
      return refused() && server.log().split('would drop entries the primary still has').length > 3;
    });
    assert.ok(sawRefusals, 'the server read the stale replica and refused it more than once');
    assert.ok(syncs > 5);
    const warn = server.log().split('\n').find((l) => l.includes('would drop entries the primary still has'))!;
    assert.match(warn, /served_entries=8\b/);
    assert.match(warn, /replica_entries=3\b/);
    assert.match(warn, /dropped_without_delete=5\b/);
  });
});
