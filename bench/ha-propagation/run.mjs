#!/usr/bin/env node
// HA propagation (issue 22): `--servers` real `spire-server run` processes on one PostgreSQL
// database, with the events-based cache polling every `--poll`. `--agents` background agents,
// attested round-robin across the servers, sync every 5 s (as SPIRE's agent), while entries are
// written through server A at `--writes` per second. A probe agent attached to the last server
// syncs in a loop; for each of `--rounds` probe entries created through server A it records the
// time from the create call to the sync that shows the entry (cross-server propagation). The
// baseline, measured in the same run and alternated with it, is a probe entry created through the
// probe agent's own server. Also printed: the probe's sync latency, and PostgreSQL's committed
// transactions and rows fetched per second over the measurement (pg_stat_database).
//
//   node bench/ha-propagation/run.mjs [--servers 3] [--agents 200] [--writes 5] [--rounds 20] [--poll 5s]
//
// Needs SPIRE_TEST_POSTGRES_URL (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)").
// The bench creates and drops its own database. Build first: bash scripts/pnpm.sh exec tsc -b
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { joinTokenAttestor } from '@spire-ts/test';
import { ServerProcess } from '@spire-ts/test/harness';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SERVERS = Number(arg('servers', '3'));
const AGENTS = Number(arg('agents', '200'));
const WRITES = Number(arg('writes', '5'));
const ROUNDS = Number(arg('rounds', '20'));
const POLL = arg('poll', '5s');
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (x) => `${x.toFixed(0)} ms`;
const sleep = (t) => new Promise((r) => setTimeout(r, t));

const base = process.env.SPIRE_TEST_POSTGRES_URL;
if (!base) {
  console.log('skipped: SPIRE_TEST_POSTGRES_URL is not set (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  process.exit(0);
}
const dbName = `spire_ha_bench_${process.pid}`;
const dbUrl = new URL(base);
dbUrl.pathname = `/${dbName}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);

async function dbStats() {
  const r = await admin.query('SELECT xact_commit, tup_fetched FROM pg_stat_database WHERE datname = $1', [dbName]);
  return { commits: Number(r.rows[0].xact_commit), fetched: Number(r.rows[0].tup_fetched) };
}

const servers = [];
const stopWriting = { stopped: false };
try {
  const extraServer = `experimental {\n    events_based_cache = true\n    cache_reload_interval = "${POLL}"\n  }\n  ratelimit {\n    attestation = false\n    signing = false\n  }`;
  for (let i = 0; i < SERVERS; i++) {
    const s = new ServerProcess();
    servers.push(s);
    // The first server migrates the empty database; the others start against it.
    await s.start({ logLevel: 'WARN', extraServer, datastore: { database_type: 'postgres', connection_string: dbUrl.toString() } });
  }
  const a = servers[0];
  const c = servers[SERVERS - 1];
  console.log(
    `HA propagation: ${SERVERS} servers on one PostgreSQL database, events-based cache every ${POLL}, ${AGENTS} background agents syncing every 5 s, ${WRITES} entry writes/s through server A; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`,
  );

  // Background agents, round-robin over the servers, each with one entry.
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const s = servers[i % SERVERS];
    const agent = await s.agent();
    const { spiffeId } = await agent.attest(joinTokenAttestor(await s.joinToken()));
    await s.createEntry({ spiffeId: `spiffe://example.org/bg/a${i}`, parentId: spiffeId, selectors: [{ type: 'unix', value: `uid:${i}` }] });
    agents.push(agent);
  }
  const syncErrors = { n: 0 };
  const backgroundSyncs = agents.map(async (agent, i) => {
    await sleep((i * 5000) / Math.max(1, AGENTS));
    while (!stopWriting.stopped) {
      await agent.sync().catch(() => syncErrors.n++);
      await sleep(5000);
    }
  });
  let written = 0;
  const writer = (async () => {
    while (!stopWriting.stopped) {
      const t = performance.now();
      await a.createEntry({ spiffeId: `spiffe://example.org/w/e${written}`, parentId: 'spiffe://example.org/spire/agent/join_token/nobody', selectors: [{ type: 'unix', value: `uid:w${written}` }] });
      written++;
      await sleep(Math.max(0, 1000 / WRITES - (performance.now() - t)));
    }
  })();

  const probe = await c.agent();
  const probeId = (await probe.attest(joinTokenAttestor(await c.joinToken()))).spiffeId;
  await probe.sync();

  const syncTimes = [];
  async function propagate(via, name) {
    const t0 = performance.now();
    const id = await via.createEntry({ spiffeId: `spiffe://example.org/probe/${name}`, parentId: probeId, selectors: [{ type: 'unix', value: `uid:${name}` }] });
    for (;;) {
      const s0 = performance.now();
      await probe.sync();
      syncTimes.push(performance.now() - s0);
      if (probe.entries.has(id)) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error(`entry ${id} not visible after 60 s`);
      await sleep(20);
    }
  }

  const cross = [];
  const local = [];
  const stats0 = await dbStats();
  const w0 = performance.now();
  const pollMs = Number.parseFloat(POLL) * (POLL.endsWith('ms') ? 1 : 1000);
  for (let r = -2; r < ROUNDS; r++) {
    // A random phase against the servers' poll: a probe written just after the sync that saw the
    // last one would otherwise always wait a whole interval.
    await sleep(Math.random() * pollMs);
    const l = await propagate(c, `local${r}`);
    const x = await propagate(a, `cross${r}`);
    if (r >= 0) {
      local.push(l);
      cross.push(x);
    }
  }
  const seconds = (performance.now() - w0) / 1000;
  const stats1 = await dbStats();
  stopWriting.stopped = true;
  await writer;
  await Promise.all(backgroundSyncs);

  console.log(`[cross-server] entry created on A, seen by an agent of ${SERVERS > 1 ? 'another server' : 'A'}: p50 ${ms(q(cross, 0.5))}  p99 ${ms(q(cross, 0.99))}  max ${ms(Math.max(...cross))}  (target p99 <= poll + 100 ms = ${ms(pollMs + 100)}: ${q(cross, 0.99) <= pollMs + 100 ? 'MET' : 'NOT MET'})`);
  console.log(`[baseline]     entry created on the agent's own server:               p50 ${ms(q(local, 0.5))}  p99 ${ms(q(local, 0.99))}  max ${ms(Math.max(...local))}`);
  console.log(`ratio cross/baseline at p50 ${(q(cross, 0.5) / q(local, 0.5)).toFixed(1)}, at p99 ${(q(cross, 0.99) / q(local, 0.99)).toFixed(1)}`);
  console.log(`probe sync latency: p50 ${q(syncTimes, 0.5).toFixed(1)} ms  p99 ${q(syncTimes, 0.99).toFixed(1)} ms  (${syncTimes.length} syncs)`);
  console.log(
    `PostgreSQL over ${seconds.toFixed(0)} s: ${((stats1.commits - stats0.commits) / seconds).toFixed(0)} commits/s, ${((stats1.fetched - stats0.fetched) / seconds).toFixed(0)} rows fetched/s; ${written} background writes, ${syncErrors.n} failed background syncs`,
  );
} finally {
  stopWriting.stopped = true;
  for (const s of servers) await s.stop().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
