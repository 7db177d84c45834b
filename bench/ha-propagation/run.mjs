#!/usr/bin/env node
// HA propagation (issue 22): `--servers` real `spire-server run` processes on one PostgreSQL
// database, with the events-based cache polling every `--poll`. `--agents` background agents,
// attested round-robin across the servers, sync every 5 s (as SPIRE's agent), while entries are
// written through server A at `--writes` per second. A probe agent attached to the last server
// syncs in a loop; for each of `--rounds` probe entries created through server A it records the
// time from the create call to the sync that shows the entry (cross-server propagation). The
// baseline, measured in the same run and alternated with it, is a probe entry created through the
// probe agent's own server. Also printed: the probe's sync latency, the background agents' sync
// latency and failed syncs, and PostgreSQL's load over the measurement: committed transactions and
// rows fetched per second (pg_stat_database), table scans started per second (pg_stat_user_tables,
// sequential + index), and statements per second when pg_stat_statements is loaded.
//
// The background agents run in `--workers` child processes (default one per 1,000 agents), each
// keeping one connection per agent as SPIRE's agent does; the servers are separate processes.
//
//   node bench/ha-propagation/run.mjs [--servers 3] [--agents 200] [--workers n] [--writes 5] [--rounds 20] [--poll 5s] [--max-open-conns 20]
//
// Needs SPIRE_TEST_POSTGRES_URL (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)").
// The bench creates and drops its own database. Build first: bash scripts/pnpm.sh exec tsc -b
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, tmpdir } from 'node:os';
import pg from 'pg';
import { api } from '@spire-ts/core';
import { joinTokenAttestor } from '@spire-ts/test';
import { ServerProcess } from '@spire-ts/test/harness';

// grpc-js as the test package resolves it (the bench package does not declare it).
const grpc = createRequire(import.meta.resolve('@spire-ts/test'))('@grpc/grpc-js');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const SERVERS = Number(arg('servers', '3'));
const AGENTS = Number(arg('agents', '200'));
const WORKERS = Number(arg('workers', String(Math.max(1, Math.ceil(AGENTS / 1000)))));
const WRITES = Number(arg('writes', '5'));
const ROUNDS = Number(arg('rounds', '20'));
const POLL = arg('poll', '5s');
// Per server: PostgreSQL's max_connections (100 here, shared with other users) must exceed the
// servers' pools together, and SPIRE's default pool (100 per server) does not fit three servers.
const MAX_CONNS = Number(arg('max-open-conns', '20'));
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

const preloaded = (await admin.query("SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'")).rows[0].setting;
const statements = preloaded.split(',').map((x) => x.trim()).includes('pg_stat_statements');
const benchDb = new pg.Client({ connectionString: dbUrl.toString() });
await benchDb.connect();
if (statements) await benchDb.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');

async function dbStats() {
  const r = await admin.query('SELECT xact_commit, tup_fetched FROM pg_stat_database WHERE datname = $1', [dbName]);
  const t = await benchDb.query('SELECT COALESCE(SUM(seq_scan), 0) + COALESCE(SUM(idx_scan), 0) AS scans FROM pg_stat_user_tables');
  const st = statements
    ? Number((await benchDb.query('SELECT COALESCE(SUM(calls), 0) AS n FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1', [dbName])).rows[0].n)
    : NaN;
  return { commits: Number(r.rows[0].xact_commit), fetched: Number(r.rows[0].tup_fetched), scans: Number(t.rows[0].scans), statements: st };
}

/** BatchCreateEntry on `server`'s admin socket; throws unless every entry was created. */
async function createEntries(server, entries) {
  const res = await adminCall(server, 'entry', 'BatchCreateEntry', { entries });
  const bad = res.results.find((r) => r.status.code !== 0);
  if (bad) throw new Error(`entry not created: ${bad.status.message}`);
  return res.results.map((r) => r.entry.id);
}

/** Creates one entry in example.org (paths given) through `server`; returns its ID. */
async function createEntry(server, path, parentPath, selector) {
  const e = { spiffe_id: { trust_domain: 'example.org', path }, parent_id: { trust_domain: 'example.org', path: parentPath }, selectors: [{ type: 'unix', value: selector }] };
  return (await createEntries(server, [{ ...e, dns_names: [], federates_with: [], x509_svid_ttl: 0, jwt_svid_ttl: 0 }]))[0];
}

/** One reused admin-socket client per server and service (the harness opens one per call). */
const adminClients = new Map();
function adminCall(server, service, method, req) {
  const key = `${server.socketPath}|${service}`;
  let c = adminClients.get(key);
  if (!c) {
    const Ctor = api.clientConstructor(api.Services[service]);
    adminClients.set(key, (c = new Ctor(`unix://${server.socketPath}`, grpc.credentials.createInsecure())));
  }
  return new Promise((res, rej) => c[method](req, (e, v) => (e ? rej(e) : res(v))));
}

const servers = [];
const workers = [];
const logFiles = [];
const logDir = mkdtempSync(join(tmpdir(), 'ha-propagation-logs-'));
const stopWriting = { stopped: false };
try {
  const extraServer = `experimental {\n    events_based_cache = true\n    cache_reload_interval = "${POLL}"\n  }\n  ratelimit {\n    attestation = false\n    signing = false\n  }`;
  for (let i = 0; i < SERVERS; i++) {
    const s = new ServerProcess();
    servers.push(s);
    // The first server migrates the empty database; the others start against it. Each logs to a
    // file kept after the run (printed when the bench fails).
    const logFile = join(logDir, `server-${i}.log`);
    logFiles.push(logFile);
    await s.start({ logLevel: 'WARN', extraServer: `${extraServer}\n  log_file = "${logFile}"`, datastore: { database_type: 'postgres', connection_string: dbUrl.toString(), max_open_conns: MAX_CONNS } });
  }
  const a = servers[0];
  const c = servers[SERVERS - 1];
  console.log(
    `HA propagation: ${SERVERS} servers on one PostgreSQL database, events-based cache every ${POLL}, ${AGENTS} background agents syncing every 5 s (${WORKERS} worker processes), ${WRITES} entry writes/s through server A, max_open_conns ${MAX_CONNS} per server; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`,
  );

  // Background agents, round-robin over the servers, each with one entry: join tokens and entries
  // made here (entries in batches), attestation and syncs in the worker processes.
  const tAttest = performance.now();
  const plan = [];
  for (let i = 0; i < AGENTS; i++) {
    const s = servers[i % SERVERS];
    const token = (await adminCall(s, 'agent', 'CreateJoinToken', { ttl: 3600 })).value;
    plan.push({ address: `127.0.0.1:${s.port}`, token });
  }
  for (let i = 0; i < AGENTS; i += 500) {
    const entries = plan.slice(i, i + 500).map((p, k) => ({
      spiffe_id: { trust_domain: 'example.org', path: `/bg/a${i + k}` },
      parent_id: { trust_domain: 'example.org', path: `/spire/agent/join_token/${p.token}` },
      selectors: [{ type: 'unix', value: `uid:${i + k}` }],
      dns_names: [],
      federates_with: [],
      x509_svid_ttl: 0,
      jwt_svid_ttl: 0,
    }));
    await createEntries(a, entries);
  }
  // The bundle now holds every server's CA.
  const bundlePem = await a.bundlePem();
  for (let w = 0; w < WORKERS; w++) {
    const child = fork(new URL('./agents-worker.mjs', import.meta.url), [], { stdio: 'inherit' });
    const share = plan.filter((_, i) => i % WORKERS === w);
    const inbox = [];
    let wake;
    child.on('message', (m) => {
      inbox.push(m);
      wake?.();
    });
    child.on('exit', (code) => {
      inbox.push({ error: `worker exited with ${code}` });
      wake?.();
    });
    const next = async () => {
      while (inbox.length === 0) await new Promise((r) => (wake = r));
      const m = inbox.shift();
      if (m.error) throw new Error(`agents worker ${w}: ${m.error}`);
      return m;
    };
    child.send({ agents: share, bundlePem, trustDomain: 'example.org' });
    workers.push({ child, next });
  }
  for (const w of workers) await w.next();
  console.log(`${AGENTS} agents attested and synced once in ${((performance.now() - tAttest) / 1000).toFixed(0)} s by ${WORKERS} worker process(es); load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const w of workers) w.child.send('go');
  // Let the agents' first round of syncs spread out before measuring.
  await sleep(5000);
  for (const w of workers) w.child.send('measure');
  const syncErrors = { n: 0 };
  let written = 0;
  const writeErrors = [];
  const writer = (async () => {
    while (!stopWriting.stopped) {
      const t = performance.now();
      try {
        await createEntry(a, `/w/e${written}`, '/spire/agent/join_token/nobody', `uid:w${written}`);
        written++;
      } catch (err) {
        writeErrors.push(String(err?.message ?? err));
      }
      await sleep(Math.max(0, 1000 / WRITES - (performance.now() - t)));
    }
  })();

  const probe = await c.agent();
  const probeId = (await probe.attest(joinTokenAttestor(await c.joinToken()))).spiffeId;
  await probe.sync();

  const syncTimes = [];
  async function propagate(via, name) {
    const t0 = performance.now();
    const id = await createEntry(via, `/probe/${name}`, new URL(probeId).pathname, `uid:${name}`);
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
  const load0 = loadavg();
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
  const load1 = loadavg();
  stopWriting.stopped = true;
  for (const w of workers) w.child.send('stop');
  const bgLatencies = [];
  const bgErrors = new Map();
  for (const w of workers) {
    const { done } = await w.next();
    for (const x of done.latencies) bgLatencies.push(x);
    syncErrors.n += done.failures;
    for (const [k, n] of done.errors) bgErrors.set(k, (bgErrors.get(k) ?? 0) + n);
  }
  await writer;

  console.log(`[cross-server] entry created on A, seen by an agent of ${SERVERS > 1 ? 'another server' : 'A'}: p50 ${ms(q(cross, 0.5))}  p99 ${ms(q(cross, 0.99))}  max ${ms(Math.max(...cross))}  (target p99 <= poll + 100 ms = ${ms(pollMs + 100)}: ${q(cross, 0.99) <= pollMs + 100 ? 'MET' : 'NOT MET'})`);
  console.log(`[baseline]     entry created on the agent's own server:               p50 ${ms(q(local, 0.5))}  p99 ${ms(q(local, 0.99))}  max ${ms(Math.max(...local))}`);
  console.log(`ratio cross/baseline at p50 ${(q(cross, 0.5) / q(local, 0.5)).toFixed(1)}, at p99 ${(q(cross, 0.99) / q(local, 0.99)).toFixed(1)}`);
  console.log(`probe sync latency: p50 ${q(syncTimes, 0.5).toFixed(1)} ms  p99 ${q(syncTimes, 0.99).toFixed(1)} ms  (${syncTimes.length} syncs)`);
  console.log(
    `background agents' sync latency: p50 ${q(bgLatencies, 0.5).toFixed(1)} ms  p99 ${q(bgLatencies, 0.99).toFixed(1)} ms  (${bgLatencies.length} syncs, ${(bgLatencies.length / seconds).toFixed(0)}/s; ${syncErrors.n} failed${bgErrors.size ? `: ${JSON.stringify([...bgErrors])}` : ''})`,
  );
  const per = (k) => ((stats1[k] - stats0[k]) / seconds).toFixed(0);
  console.log(
    `PostgreSQL over ${seconds.toFixed(0)} s: ${per('commits')} commits/s, ${per('fetched')} rows fetched/s, ${per('scans')} table scans/s, ${statements ? `${per('statements')} statements/s` : 'statements/s not measured (pg_stat_statements is not in shared_preload_libraries)'}; ${written} background writes${writeErrors.length ? `, ${writeErrors.length} failed (first: ${writeErrors[0]})` : ''}`,
  );
  const alive = servers.filter((x) => {
    try {
      process.kill(x.pid, 0);
      return true;
    } catch {
      return false;
    }
  }).length;
  console.log(`servers still running at the end: ${alive} of ${SERVERS} (logs in ${logDir})`);
  console.log(`load average at the start ${load0.map((x) => x.toFixed(2)).join(' ')}, at the end ${load1.map((x) => x.toFixed(2)).join(' ')}`);
} catch (err) {
  for (const [i, f] of logFiles.entries()) console.log(`--- server ${i} (${f}) log, tail ---\n${existsSync(f) ? readFileSync(f, 'utf8').slice(-3000) : ''}\n${servers[i].log().slice(-2000)}`);
  throw err;
} finally {
  stopWriting.stopped = true;
  for (const w of workers) w.child.kill();
  for (const c of adminClients.values()) c.close();
  await benchDb.end().catch(() => undefined);
  for (const s of servers) await s.stop().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
}
