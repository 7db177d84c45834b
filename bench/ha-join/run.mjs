#!/usr/bin/env node
// A server joining a large HA database (issue 22, SPIRE #5771: a ~500k-row events table made the
// events-based cache take ~30 minutes to start). A real `spire-server run` with
// `events_based_cache = true` starts on a PostgreSQL database holding the entries-cache bench's
// dataset (default 300k agents, 1M entries) plus `--events` rows in registered_entries_events and
// `--node-events` rows in attested_node_entries_events, written as the store writes them (event
// ID, created_at = updated_at, the changed entry's ID or agent's SPIFFE ID; recent timestamps, so
// nothing is old enough to prune; one ID in a thousand missing, as rolled-back transactions leave).
// The baseline, in the same run and alternated with it, is the same database with both events
// tables empty. Reported per start, from the server's own log: the time from "Building in-memory
// entry cache" to "Completed building in-memory entry cache" (the whole build, event scan
// included; the APIs open only after it), and the time from spawning the process to its TCP API
// listening (checked every 25 ms).
//
//   node bench/ha-join/run.mjs [--agents 300000] [--entries 1000000] [--aliases 1000]
//        [--events 500000] [--node-events 100000] [--rounds 3]
//
// Needs SPIRE_TEST_POSTGRES_URL. The populated dataset database (spire_ts_bench_ec25_<sizes>) is
// made by bench/entries-cache if missing; this bench copies it once into spire_ts_bench_join_<sizes>
// and keeps that copy for later runs (drop it to rebuild). Build first: bash scripts/pnpm.sh exec tsc -b
import { cpus, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@spire-ts/test/harness';
import { sizes } from '../entries-cache/dataset.mjs';
import { datasetTag, preparePostgres } from '../entries-cache/prepare-postgres.mjs';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const S = sizes(Number(arg('agents', '300000')), Number(arg('entries', '1000000')), Number(arg('aliases', '1000')));
const EVENTS = Number(arg('events', '500000'));
const NODE_EVENTS = Number(arg('node-events', '100000'));
const ROUNDS = Number(arg('rounds', '3'));
const secs = (x) => `${(x / 1000).toFixed(2)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

const base = process.env.SPIRE_TEST_POSTGRES_URL;
if (!base) {
  console.log('skipped: SPIRE_TEST_POSTGRES_URL is not set (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  process.exit(0);
}

const dataset = await preparePostgres(base, S);
const joinName = `spire_ts_bench_join_${datasetTag(S)}`.toLowerCase();
const joinUrl = new URL(base);
joinUrl.pathname = `/${joinName}`;
{
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [joinName])).rowCount === 0) {
      const t0 = performance.now();
      await admin.query(`CREATE DATABASE ${joinName} TEMPLATE ${dataset.name}`);
      console.log(`copied ${dataset.name} to ${joinName} in ${secs(performance.now() - t0)}`);
    }
  } finally {
    await admin.end();
  }
}
const db = new pg.Client({ connectionString: joinUrl.toString() });
await db.connect();

/** Empties both events tables. */
async function emptyEvents() {
  await db.query('TRUNCATE registered_entries_events, attested_node_entries_events');
}

/**
 * `n` event rows with IDs 1.. (every thousandth ID missing) for keys taken from `keyTable`, spread
 * over the last hours up to now.
 */
async function fillEvents(table, keyCol, keyTable, keyCount, n) {
  const top = n + Math.floor(n / 999);
  const r = await db.query(
    `INSERT INTO ${table} (id, created_at, updated_at, ${keyCol})
     SELECT g, now() - ($1 - g) * interval '10 ms', now() - ($1 - g) * interval '10 ms', k.${keyCol}
     FROM generate_series(1, $1::int) AS g JOIN ${keyTable} AS k ON k.id = 1 + (g::bigint * 7919) % $2
     WHERE g % 1000 <> 0`,
    [top, keyCount],
  );
  await db.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), $1)`, [top]);
  return r.rowCount;
}

async function fill() {
  const t0 = performance.now();
  await emptyEvents();
  const e = await fillEvents('registered_entries_events', 'entry_id', 'registered_entries', S.entries, EVENTS);
  const n = await fillEvents('attested_node_entries_events', 'spiffe_id', 'attested_node_entries', S.agents, NODE_EVENTS);
  await db.query('ANALYZE registered_entries_events, attested_node_entries_events');
  return { e, n, ms: performance.now() - t0 };
}

const stamp = (log, msg) => {
  const m = log.match(new RegExp(`time="?([^" ]+)"? level=\\w+ msg="?${msg}`));
  return m ? Date.parse(m[1]) : NaN;
};

// One server, restarted on its own data directory each time (as an operator restarts one), so
// the bundle does not gain a CA per start; its first start is a join of a server new to the
// database. It is spawned here rather than through the e2e harness, whose start gives up after
// 60 s (a loaded machine can take longer) and polls only every 250 ms.
const dir = mkdtempSync(join(tmpdir(), 'ha-join-'));
const root = fileURLToPath(new URL('../..', import.meta.url));

function listening(port) {
  return new Promise((res) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      res(true);
    });
    c.once('error', () => res(false));
  });
}

async function startOnce(label) {
  const port = await freePort();
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    `server {
  bind_address = "127.0.0.1"
  bind_port = "${port}"
  socket_path = "${dir}/api.sock"
  trust_domain = "example.org"
  data_dir = "${dir}/data"
  log_level = "INFO"
  experimental {
    events_based_cache = true
  }
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "postgres"
      connection_string = ${JSON.stringify(joinUrl.toString())}
    }
  }
  KeyManager "disk" {
    plugin_data {
      keys_path = "${dir}/data/keys.json"
    }
  }
}
`,
  );
  const t0 = performance.now();
  const proc = spawn(process.execPath, [join(root, 'bin', 'spire-server'), 'run', '-config', conf], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  let exited = false;
  proc.once('exit', () => (exited = true));
  let upMs;
  try {
    for (;;) {
      if (exited) throw new Error(`spire-server exited:\n${log}`);
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`spire-server not serving after 30 min:\n${log}`);
      if (log.includes('Completed building in-memory entry cache') && (await listening(port))) {
        upMs = performance.now() - t0;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    if (!exited) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
    }
  }
  const buildMs = stamp(log, 'Completed building in-memory entry cache') - stamp(log, 'Building in-memory entry cache');
  const loadMs = Number(log.match(/Completed building in-memory entry cache.*elapsed_ms=(\d+)/)?.[1]);
  const counts = log.match(/Completed building in-memory entry cache[^\n]*/)?.[0].replace(/^[^"]*"\s*/, '') ?? '';
  console.log(`[${label}] cache build ${secs(buildMs)} (events scan ${secs(buildMs - loadMs)}, then entries and agents load ${secs(loadMs)}), spawn to TCP API listening ${secs(upMs)}; load ${load()}; ${counts}`);
  return { buildMs, upMs, scanMs: buildMs - loadMs };
}

console.log(
  `HA join (#5771): ${S.entries.toLocaleString('en-US')} entries, ${S.agents.toLocaleString('en-US')} agents; events tables: ${EVENTS.toLocaleString('en-US')} entry events + ${NODE_EVENTS.toLocaleString('en-US')} node events vs empty; node ${process.version}, ${cpus().length} CPUs, load ${load()}`,
);
const loaded = [];
const empty = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate the order, so neither side always starts on a warmer database.
    for (const withEvents of r % 2 === 0 ? [false, true] : [true, false]) {
      if (withEvents) {
        const f = await fill();
        console.log(`filled ${f.e} entry events and ${f.n} node events in ${secs(f.ms)}`);
        loaded.push(await startOnce(`${EVENTS / 1000}k events`));
      } else {
        await emptyEvents();
        empty.push(await startOnce('no events '));
      }
    }
  }
  const mean = (xs, k) => xs.reduce((t, x) => t + x[k], 0) / xs.length;
  const max = (xs, k) => Math.max(...xs.map((x) => x[k]));
  console.log(
    `mean cache build: ${secs(mean(loaded, 'buildMs'))} with events (max ${secs(max(loaded, 'buildMs'))}), ${secs(mean(empty, 'buildMs'))} without (max ${secs(max(empty, 'buildMs'))}); ratio ${(mean(loaded, 'buildMs') / mean(empty, 'buildMs')).toFixed(2)}`,
  );
  console.log(`mean events scan: ${secs(mean(loaded, 'scanMs'))} with events, ${secs(mean(empty, 'scanMs'))} without`);
  console.log(`mean spawn to API up: ${secs(mean(loaded, 'upMs'))} with events, ${secs(mean(empty, 'upMs'))} without; ratio ${(mean(loaded, 'upMs') / mean(empty, 'upMs')).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  // The database is left with its events tables filled (the next run refills them anyway).
  await db.end();
}
