import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ServerProcess } from './harness.js';
import { HA_DB_LABEL, HA_DIALECTS, HA_TD, HaCluster, haCaseSuffix, type HaDialect } from './ha-servers-cluster.js';

// Issue 22, "Pools": max_open_conns, max_idle_conns and conn_max_lifetime hold per server, as
// Go's database/sql applies them upstream. Two servers share the database under load; the
// database's own session list (pg_stat_activity, information_schema.PROCESSLIST) is sampled, and
// each session is given to the server process that owns its client port (/proc).

const POOL = { max_open_conns: 3, max_idle_conns: 1, conn_max_lifetime: '15s' };
const LIFETIME_MS = 15_000;
/** How late a sample can see a session the pool has closed. */
const SLACK_MS = 2_000;

/** Per dialect: the other sessions on the test database, each with its id and client port. */
const SESSIONS: Record<HaDialect, string> = {
  postgres: 'SELECT pid AS id, client_port AS port FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  mysql: "SELECT ID AS id, SUBSTRING_INDEX(HOST, ':', -1) AS port FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()",
};

/** The local TCP ports of `pid`'s sockets connected to `remotePort` (Linux /proc). */
function clientPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // Closed while listed.
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      if (parseInt(f[2]!.split(':')[1]!, 16) === remotePort) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** The database server's TCP port, from the cluster's connection string. */
function dbPort(ha: HaCluster): number {
  const cs = ha.connectionString;
  if (ha.dialect === 'postgres') return Number(new URL(cs).port || 5432);
  return Number(/@tcp\([^:)]*:(\d+)\)/.exec(cs)?.[1] ?? 3306);
}

/** What the sampler saw of one session: its server, and when it was first and last listed. */
type Seen = { server: number; first: number; last: number };

/** Samples the sessions of each server every 100 ms until stopped. */
class Sampler {
  /** Sessions by id. */
  readonly seen = new Map<string, Seen>();
  /** The most sessions each server had at once. */
  readonly peak: number[];
  /** Each server's session count in the latest sample. */
  latest: number[];
  private running = true;
  private readonly done: Promise<void>;

  constructor(ha: HaCluster, servers: ServerProcess[]) {
    this.peak = servers.map(() => 0);
    this.latest = servers.map(() => 0);
    const watcher = ha.driver();
    const port = dbPort(ha);
    const sql = SESSIONS[ha.dialect];
    this.done = (async () => {
      try {
        while (this.running) {
          // The database's list first: a session opened after it is not in it, one closed after it is still counted.
          const rows = await watcher.query<{ id: unknown; port: unknown }>(sql);
          const owners = servers.map((s) => clientPorts(s.pid!, port));
          const now = Date.now();
          const counts = servers.map(() => 0);
          for (const r of rows) {
            const server = owners.findIndex((ports) => ports.has(Number(r.port)));
            if (server < 0) continue;
            counts[server]!++;
            const id = String(r.id);
            const s = this.seen.get(id);
            if (s) s.last = now;
            else this.seen.set(id, { server, first: now, last: now });
          }
          this.latest = counts;
          counts.forEach((n, i) => (this.peak[i] = Math.max(this.peak[i]!, n)));
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await watcher.close();
      }
    })();
  }

  /** Stops sampling (and rethrows what failed in it). */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Polls every 100 ms until `check` holds; throws `what` after `ms`. */
async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates entries through `server`, `concurrency` calls at a time, until `stop()` says so. */
async function load(server: ServerProcess, tag: string, concurrency: number, stop: () => boolean): Promise<number> {
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stop()) {
        const i = n++;
        await server.createEntry({ spiffeId: `spiffe://${HA_TD}/pool/${tag}/${i}`, parentId: `spiffe://${HA_TD}/pool-parent`, selectors: [{ type: 'unix', value: `uid:${i}` }] });
      }
    }),
  );
  return n;
}

for (const dialect of HA_DIALECTS) describe(`HA servers on one ${HA_DB_LABEL[dialect]} database: connection pools`, { timeout: 120_000 }, () => {
  const ha = new HaCluster(dialect);
  let servers: ServerProcess[] = [];
  before(async () => {
    await ha.prepare();
    if (!ha.available) return;
    servers = ha.add(2);
    await Promise.all(servers.map((s) => ha.start(s, {}, POOL)));
  });
  after(() => ha.close());

  it(`pools: under load each server holds at most max_open_conns, drops to max_idle_conns when idle, and replaces connections older than conn_max_lifetime${haCaseSuffix(dialect)}`, async (t) => {
    if (ha.skipped(t)) return;
    const sampler = new Sampler(ha, servers);
    t.after(() => sampler.stop());
    const start = Date.now();

    // Heavy load: 20 concurrent writes per server for 6 s.
    const heavyUntil = start + 6_000;
    const made = await Promise.all(servers.map((s, i) => load(s, `heavy-${i}`, 20, () => Date.now() > heavyUntil)));
    for (const [i, n] of made.entries()) assert.ok(n > 20, `server ${i} made only ${n} entries`);
    const busy = new Set([...sampler.seen].filter(([, s]) => s.last >= start).map(([id]) => id));
    sampler.peak.forEach((p, i) => assert.ok(p >= 2, `server ${i} never used more than ${p} connection: the load did not reach its pool`));

    // Idle: the connections beyond max_idle_conns close well before the 30 s idle time (and the lifetime).
    await until(`each server's sessions to drop to max_idle_conns (${POOL.max_idle_conns})`, () => sampler.latest.every((n) => n <= POOL.max_idle_conns), 5_000);
    assert.ok(Date.now() - start < LIFETIME_MS, 'the idle check ran into conn_max_lifetime: it proves nothing');

    // Light load past the lifetime: every connection of the heavy phase is closed and replaced.
    const lightUntil = start + LIFETIME_MS + 2 * SLACK_MS;
    const giveUp = lightUntil + 10_000;
    const expired = () => [...busy].every((id) => sampler.seen.get(id)!.last < Date.now() - SLACK_MS);
    await Promise.all(servers.map((s, i) => load(s, `light-${i}`, 1, () => Date.now() > giveUp || (Date.now() > lightUntil && expired()))));
    await sampler.stop();

    t.diagnostic(`peak sessions per server ${sampler.peak.join(', ')}; ${sampler.seen.size} sessions seen; entries made ${made.join(', ')}`);
    sampler.peak.forEach((p, i) => assert.ok(p <= POOL.max_open_conns, `server ${i} held ${p} connections at once (max_open_conns ${POOL.max_open_conns})`));
    for (const [id, s] of sampler.seen) {
      assert.ok(s.last - s.first <= LIFETIME_MS + SLACK_MS, `session ${id} of server ${s.server} was used for ${s.last - s.first} ms (conn_max_lifetime ${POOL.conn_max_lifetime})`);
    }
    for (const [i] of servers.entries()) {
      const fresh = [...sampler.seen].filter(([id, s]) => s.server === i && !busy.has(id));
      assert.ok(fresh.length > 0, `server ${i} opened no new connection after its first ones expired`);
    }
  });
});
