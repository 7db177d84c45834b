#!/usr/bin/env node
// Authorized-entries cache benchmark (issue 7): builds the cache from a store holding `agents`
// agents and `entries` entries (a third reached through node aliases) and reports
//   - the full build time, from SQLite and (when SPIRE_TEST_POSTGRES_URL is set) PostgreSQL,
//     against a naive build of the same store pages into a Map of arrays (the baseline);
//   - the heap per entry, cache vs that naive Map of store objects;
//   - median and p99 of fetchAuthorizedEntries in-process, against the store-reading lookup the
//     API used before (DataStoreAuthorizedEntries) on a sample of agents;
//   - the time from an entry's creation to its visibility in a lookup, with events on: written
//     through this server (change notification) and written by another server (event poll).
//
//   node bench/entries-cache/run.mjs [--agents 300000] [--entries 1000000] [--aliases 1000]
//        [--db sqlite3|postgres|all] [--samples 20000] [--poll 1s]
//
// The populated SQLite file is kept in $TMPDIR/spire-ts-bench/ and reused by later runs of the
// same sizes (delete it to rebuild); the PostgreSQL database spire_ts_bench_ec_<sizes> likewise.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { AuthorizedEntryCache, DEFAULT_ENTRY_CACHE_CONFIG, DATASTORE_MAX_PAGE_SIZE, parseDuration, silentLogger, TrustDomain, withCacheNotifications } from '@spire-ts/core';
import { agentId, sizes, SERVER_ID } from './dataset.mjs';
import { openStore, preparePostgres } from './prepare-postgres.mjs';
import { prepareSqlite } from './prepare-sqlite.mjs';

if (typeof globalThis.gc !== 'function') {
  // Heap figures need explicit collections: run again with --expose-gc, and otherwise the V8
  // settings `spire-server run` has (none of its own), so the build is timed as the server does it.
  const flags = ['--expose-gc'];
  const r = spawnSync(process.execPath, [...flags, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const S = sizes(Number(arg('agents', '300000')), Number(arg('entries', '1000000')), Number(arg('aliases', '1000')));
const which = arg('db', 'all');
const SAMPLES = Number(arg('samples', '20000'));
const POLL_MS = parseDuration(arg('poll', '1s'));
const TD = TrustDomain.parse('example.org');
const log = silentLogger();

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
const us = (x) => `${x.toFixed(1)} µs`;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
const met = (ok) => (ok ? 'MET' : 'NOT MET');

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Baseline build: the same store pages, kept as store objects in a Map of parent ID -> entries. */
async function naiveBuild(ds) {
  const byParent = new Map();
  const nodes = new Map();
  let token = '';
  do {
    const page = await ds.listRegistrationEntries({ pagination: { token, pageSize: DATASTORE_MAX_PAGE_SIZE } });
    for (const e of page.entries) {
      const l = byParent.get(e.parentId);
      if (l) l.push(e);
      else byParent.set(e.parentId, [e]);
    }
    token = page.pagination?.token ?? '';
  } while (token !== '');
  token = '';
  do {
    const page = await ds.listAttestedNodes({ fetchSelectors: true, validAt: Math.floor(Date.now() / 1000), pagination: { token, pageSize: DATASTORE_MAX_PAGE_SIZE } });
    for (const n of page.nodes) nodes.set(n.spiffeId, n.selectors);
    token = page.pagination?.token ?? '';
  } while (token !== '');
  return { byParent, nodes };
}

function cacheOptions(ds, over = {}) {
  return { ...DEFAULT_ENTRY_CACHE_CONFIG, ...over, dataStore: ds, trustDomain: TD, log };
}

let _keep; // holds the naive structure while its heap is measured

async function benchBuild(label, ds) {
  // The naive build first, then the cache, each on an emptied heap (the naive structure is dropped
  // before the cache is built), both after the database has been read once to warm caches.
  // (`.then` so that no awaited value lingers in this function's frame and skews the heap figures.)
  await naiveBuild(ds).then(() => undefined);
  // A cache kept from the previous database must not be freed inside the measured window.
  _keep = undefined;
  const h0 = heap();
  const t0 = performance.now();
  await naiveBuild(ds).then((v) => {
    _keep = v;
  });
  const naiveMs = performance.now() - t0;
  const naiveHeap = heap() - h0;
  _keep = undefined;
  const h1 = heap();
  const t1 = performance.now();
  const cache = await AuthorizedEntryCache.create(cacheOptions(ds, { eventsBasedCache: true, cacheReloadIntervalMs: POLL_MS }));
  _keep = cache;
  const buildMs = performance.now() - t1;
  const cacheHeap = heap() - h1;
  const st = cache.stats();
  if (st.entries + st.aliases !== S.entries || st.agents !== S.agents) throw new Error(`[${label}] cache holds ${JSON.stringify(st)}`);
  console.log(`[${label}] full build               ${ms(buildMs).padStart(9)}   naive Map-of-arrays build ${ms(naiveMs)}   ratio ${ratio(buildMs, naiveMs)}   target <= 10 s: ${met(buildMs <= 10_000)}`);
  console.log(
    `[${label}] heap per entry          ${fmt(cacheHeap / S.entries).padStart(6)} B   naive ${fmt(naiveHeap / S.entries)} B   ratio ${ratio(cacheHeap, naiveHeap)}   target <= 1,536 B: ${met(cacheHeap / S.entries <= 1536)}   (agents and aliases included)`,
  );
  return cache;
}

async function benchLookup(label, ds, cache) {
  // Agents drawn evenly over the population; warm up first.
  const agents = Array.from({ length: SAMPLES }, (_, i) => agentId(Math.floor((i * 7919) % S.agents), S));
  let sink = 0;
  for (let i = 0; i < Math.min(2000, SAMPLES); i++) sink += (await cache.fetchAuthorizedEntries(agents[i])).length;
  const times = new Float64Array(SAMPLES);
  let total = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const t = process.hrtime.bigint();
    const got = await cache.fetchAuthorizedEntries(agents[i]);
    times[i] = Number(process.hrtime.bigint() - t) / 1000;
    total += got.length;
  }
  times.sort();
  // The store-reading implementation is not exported by core; it is loaded from its built file.
  const { DataStoreAuthorizedEntries } = await import(new URL('../../packages/core/dist/api/authorized-entries.js', import.meta.url).href);
  const base = [];
  {
    const ref = new DataStoreAuthorizedEntries(ds, TD);
    for (let i = 0; i < 50; i++) {
      const a = agents[i];
      const t = process.hrtime.bigint();
      const want = await ref.fetchAuthorizedEntries(a);
      base.push(Number(process.hrtime.bigint() - t) / 1000);
      const got = await cache.fetchAuthorizedEntries(a);
      if (want.filter((e) => e.parentId !== SERVER_ID).length !== got.length) throw new Error(`[${label}] lookup of ${a}: cache ${got.length}, store ${want.length}`);
    }
    base.sort((x, y) => x - y);
  }
  const med = pct(times, 0.5);
  const baseMed = base.length ? pct(base, 0.5) : NaN;
  console.log(
    `[${label}] fetchAuthorizedEntries  median ${us(med)}  p99 ${us(pct(times, 0.99))}  (${fmt(total / SAMPLES, 1)} entries/agent, ${fmt(SAMPLES)} agents)` +
      `   store-reading lookup median ${ms(baseMed / 1000)} (50 agents)   ratio ${(med / baseMed).toExponential(2)} (${fmt(baseMed / med)}x faster)   target median <= 50 µs: ${met(med <= 50)}`,
  );
  return sink;
}

async function benchPropagation(label, ds, cache) {
  cache.start();
  const api = withCacheNotifications(ds, cache);
  const results = {};
  for (const [how, store] of [
    ['through this server (notified)', api],
    [`by another server (event poll every ${ms(POLL_MS)})`, ds],
  ]) {
    const times = [];
    for (let i = 0; i < 10; i++) {
      const agent = agentId((i * 104729) % S.agents, S);
      // A random moment relative to the poll timer.
      await new Promise((r) => setTimeout(r, Math.random() * POLL_MS));
      const t0 = performance.now();
      const created = await store.createRegistrationEntry({
        entryId: '',
        spiffeId: `spiffe://example.org/propagation/${label}/${how.length}/${i}/${Date.now()}`,
        parentId: agent,
        selectors: [{ type: 'unix', value: 'uid:1' }],
        x509SvidTtl: 0,
        jwtSvidTtl: 0,
        federatesWith: [],
        dnsNames: [],
        admin: false,
        downstream: false,
        entryExpiry: 0,
        storeSvid: false,
        hint: '',
        createdAt: 0,
        revisionNumber: 0,
      });
      for (;;) {
        if ((await cache.fetchAuthorizedEntries(agent)).some((e) => e.entryId === created.entryId)) break;
        if (performance.now() - t0 > 30_000) throw new Error(`[${label}] entry not visible after 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      times.push(performance.now() - t0);
      await store.deleteRegistrationEntry(created.entryId);
    }
    times.sort((a, b) => a - b);
    results[how] = times;
    const max = times[times.length - 1];
    const verdict = store === api ? `target < 1 s: ${met(max < 1000)}` : `bound: cache_reload_interval + one poll`;
    console.log(`[${label}] propagation ${how.padEnd(42)} median ${ms(pct(times, 0.5))}  max ${ms(max)}   ${verdict}`);
  }
  await cache.stop();
  return results;
}

async function runOne(label, pluginData) {
  const ds = await openStore(pluginData);
  try {
    let cache = await benchBuild(label, ds);
    await benchLookup(label, ds, cache);
    await benchPropagation(label, ds, cache);
    cache = undefined;
  } finally {
    await ds.close();
  }
}

console.log(
  `entries-cache bench: ${fmt(S.agents)} agents, ${fmt(S.entries)} entries (${fmt(S.aliases)} node aliases, ${fmt(S.viaAlias)} entries under them, ${fmt(S.direct)} under agents or nested), node ${process.version} ${process.execArgv.join(' ')}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`,
);
if (which === 'sqlite3' || which === 'all') {
  const { file, populateMs } = await prepareSqlite(S);
  console.log(`[sqlite3] dataset ${populateMs === undefined ? `reused from ${file}` : `populated in ${ms(populateMs)} (${file})`}`);
  await runOne('sqlite3', { database_type: 'sqlite3', connection_string: file });
}
if (which === 'postgres' || which === 'all') {
  const url = process.env.SPIRE_TEST_POSTGRES_URL;
  if (!url) {
    console.log('[postgres] skipped: SPIRE_TEST_POSTGRES_URL is not set (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  } else {
    const p = await preparePostgres(url, S);
    console.log(`[postgres] dataset ${p.populateMs === undefined ? 'reused' : `populated in ${ms(p.populateMs)}`}`);
    await runOne('postgres', { database_type: 'postgres', connection_string: p.url });
  }
}
