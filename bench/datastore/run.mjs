#!/usr/bin/env node
// DataStore benchmark: batch-creates N registration entries through the sql DataStore (loaded
// through its descriptor, as the server loads it), lists them all page by page, lists by
// selector and counts; then does the same work with the raw driver (better-sqlite3 / pg) on
// tables of the same shape, as the baseline of this run, and prints both with their ratio.
//
//   node bench/datastore/run.mjs [--db sqlite3|postgres|all] [--entries 100000] [--batch 1000] [--rounds 1]
//
// PostgreSQL runs when SPIRE_TEST_POSTGRES_URL is set (bash scripts/test-dbs.sh env); the bench
// creates and drops its own database there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { silentLogger, TrustDomain } from '@spire-ts/core';
import { sqlDataStore } from '@spire-ts/plugins-datastore-sql';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const N = Number(arg('entries', '100000'));
const BATCH = Number(arg('batch', '1000'));
const PAGE = 1000;
const GROUPS = 100;
const which = arg('db', 'all');
const ROUNDS = Number(arg('rounds', '1'));

function makeEntries(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      entryId: `bench-${i.toString().padStart(7, '0')}`,
      spiffeId: `spiffe://example.org/workload/${i}`,
      parentId: `spiffe://example.org/spire/agent/k8s_psat/node-${i % 500}`,
      selectors: [
        { type: 'k8s', value: `ns:group-${i % GROUPS}` },
        { type: 'k8s', value: `sa:workload-${i}` },
      ],
      x509SvidTtl: 3600,
      jwtSvidTtl: 300,
      federatesWith: [],
      dnsNames: [`w${i}.example.org`],
      admin: false,
      downstream: false,
      entryExpiry: 0,
      storeSvid: false,
      hint: '',
      createdAt: 0,
      revisionNumber: 0,
    });
  }
  return out;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

// Wall time is the figure; the CPU time of this process is printed beside it because the bench
// machine may be shared (for PostgreSQL the server's own CPU time is not in it).
async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, out };
}

async function benchStore(label, pluginData, entries) {
  const parsed = sqlDataStore.parseConfig(pluginData, { trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir() });
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  const ds = await sqlDataStore.create({ config: parsed.config, log: silentLogger(), trustDomain: TrustDomain.parse('example.org'), dataDir: tmpdir(), host: {} });
  const r = {};
  try {
    r.create = await timed(async () => {
      for (let i = 0; i < entries.length; i += BATCH) {
        const res = await ds.createRegistrationEntries(entries.slice(i, i + BATCH));
        const bad = res.find((x) => !x.ok);
        if (bad) throw new Error(`create failed: ${bad.error.message}`);
      }
    });
    r.list = await timed(async () => {
      let token = '';
      let n = 0;
      do {
        const page = await ds.listRegistrationEntries({ pagination: { token, pageSize: PAGE } });
        n += page.entries.length;
        token = page.pagination.token;
      } while (token !== '');
      if (n !== entries.length) throw new Error(`listed ${n} of ${entries.length}`);
      return n;
    });
    const group = { type: 'k8s', value: 'ns:group-7' };
    r.byAny = await timed(async () => (await ds.listRegistrationEntries({ bySelectors: { selectors: [group], match: 'MATCH_ANY' } })).entries.length);
    r.bySuperset = await timed(
      async () => (await ds.listRegistrationEntries({ bySelectors: { selectors: [group], match: 'SUPERSET' } })).entries.length,
    );
    r.byExact = await timed(
      async () =>
        (await ds.listRegistrationEntries({ bySelectors: { selectors: [group, { type: 'k8s', value: 'sa:workload-7' }], match: 'EXACT' } })).entries
          .length,
    );
    r.count = await timed(() => ds.countRegistrationEntries({}));
    r.countSel = await timed(() => ds.countRegistrationEntries({ bySelectors: { selectors: [group], match: 'MATCH_ANY' } }));
  } finally {
    await ds.close();
  }
  return r;
}

// ---- baselines: the same rows through the raw driver, on tables of the same shape ----

const BASE_DDL = (serial, big) => [
  `CREATE TABLE bl_entries (id ${serial}, entry_id VARCHAR(255) NOT NULL, spiffe_id VARCHAR(2048) NOT NULL, parent_id VARCHAR(2048) NOT NULL,
    x509_svid_ttl INTEGER NOT NULL, jwt_svid_ttl INTEGER NOT NULL, hint VARCHAR(1024) NOT NULL, created_at ${big} NOT NULL)`,
  'CREATE UNIQUE INDEX bl_uix_entry_id ON bl_entries (entry_id)',
  'CREATE INDEX bl_idx_spiffe ON bl_entries (spiffe_id)',
  'CREATE INDEX bl_idx_parent ON bl_entries (parent_id)',
  `CREATE TABLE bl_selectors (id ${serial}, entry_row ${big} NOT NULL, type VARCHAR(255) NOT NULL, value VARCHAR(1024) NOT NULL)`,
  'CREATE INDEX bl_idx_sel_entry ON bl_selectors (entry_row)',
  'CREATE INDEX bl_idx_sel_tv ON bl_selectors (type, value)',
  `CREATE TABLE bl_dns (id ${serial}, entry_row ${big} NOT NULL, value VARCHAR(255) NOT NULL)`,
  'CREATE INDEX bl_idx_dns_entry ON bl_dns (entry_row)',
];

async function baselineSqlite(file, entries) {
  const db = new Database(file);
  // The same settings the store's SQLite driver uses, so the comparison is of the work done.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
  for (const s of BASE_DDL('INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER')) db.exec(s);
  const insE = db.prepare('INSERT INTO bl_entries (entry_id, spiffe_id, parent_id, x509_svid_ttl, jwt_svid_ttl, hint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insS = db.prepare('INSERT INTO bl_selectors (entry_row, type, value) VALUES (?, ?, ?)');
  const insD = db.prepare('INSERT INTO bl_dns (entry_row, value) VALUES (?, ?)');
  const batch = db.transaction((list) => {
    for (const e of list) {
      const id = insE.run(e.entryId, e.spiffeId, e.parentId, e.x509SvidTtl, e.jwtSvidTtl, e.hint, 1).lastInsertRowid;
      for (const s of e.selectors) insS.run(id, s.type, s.value);
      for (const d of e.dnsNames) insD.run(id, d);
    }
  });
  const r = {};
  r.create = await timed(() => {
    for (let i = 0; i < entries.length; i += BATCH) batch(entries.slice(i, i + BATCH));
  });
  const page = db.prepare('SELECT * FROM bl_entries WHERE id > ? ORDER BY id LIMIT ?');
  r.list = await timed(() => {
    let after = 0;
    let n = 0;
    for (;;) {
      const rows = page.all(after, PAGE);
      if (rows.length === 0) break;
      const ids = rows.map((x) => x.id);
      const inList = `(${ids.map(() => '?').join(',')})`;
      db.prepare(`SELECT entry_row, type, value FROM bl_selectors WHERE entry_row IN ${inList}`).all(...ids);
      db.prepare(`SELECT entry_row, value FROM bl_dns WHERE entry_row IN ${inList}`).all(...ids);
      n += rows.length;
      after = rows[rows.length - 1].id;
    }
    return n;
  });
  db.close();
  return r;
}

async function baselinePg(url, entries) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const s of BASE_DDL('BIGSERIAL PRIMARY KEY', 'BIGINT')) await client.query(s);
  const r = {};
  r.create = await timed(async () => {
    for (let i = 0; i < entries.length; i += BATCH) {
      const list = entries.slice(i, i + BATCH);
      await client.query('BEGIN');
      const vals = [];
      const rows = list.map((e, j) => {
        vals.push(e.entryId, e.spiffeId, e.parentId, e.x509SvidTtl, e.jwtSvidTtl, e.hint, 1);
        const b = j * 7;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7})`;
      });
      const ids = (
        await client.query(
          `INSERT INTO bl_entries (entry_id, spiffe_id, parent_id, x509_svid_ttl, jwt_svid_ttl, hint, created_at) VALUES ${rows.join(',')} RETURNING id`,
          vals,
        )
      ).rows.map((x) => x.id);
      const sv = [];
      const sr = [];
      const dv = [];
      const dr = [];
      list.forEach((e, j) => {
        for (const s of e.selectors) {
          sv.push(ids[j], s.type, s.value);
          sr.push(`($${sv.length - 2},$${sv.length - 1},$${sv.length})`);
        }
        for (const d of e.dnsNames) {
          dv.push(ids[j], d);
          dr.push(`($${dv.length - 1},$${dv.length})`);
        }
      });
      await client.query(`INSERT INTO bl_selectors (entry_row, type, value) VALUES ${sr.join(',')}`, sv);
      await client.query(`INSERT INTO bl_dns (entry_row, value) VALUES ${dr.join(',')}`, dv);
      await client.query('COMMIT');
    }
  });
  r.list = await timed(async () => {
    let after = 0;
    let n = 0;
    for (;;) {
      const rows = (await client.query('SELECT * FROM bl_entries WHERE id > $1 ORDER BY id LIMIT $2', [after, PAGE])).rows;
      if (rows.length === 0) break;
      const ids = rows.map((x) => x.id);
      await client.query('SELECT entry_row, type, value FROM bl_selectors WHERE entry_row = ANY($1)', [ids]);
      await client.query('SELECT entry_row, value FROM bl_dns WHERE entry_row = ANY($1)', [ids]);
      n += rows.length;
      after = rows[rows.length - 1].id;
    }
    return n;
  });
  await client.end();
  return r;
}

function report(label, ours, base) {
  const line = (what, o, b) => {
    const oRate = (N / o.ms) * 1000;
    const bRate = b ? (N / b.ms) * 1000 : undefined;
    console.log(
      `[${label}] ${what.padEnd(24)} ${secs(o.ms).padStart(9)} ${fmt(oRate).padStart(9)} entries/s ` +
        `(this process: cpu ${secs(o.cpuMs)}, ${fmt((N / o.cpuMs) * 1000)} entries per cpu-s)` +
        (b
          ? `   baseline ${secs(b.ms).padStart(8)} ${fmt(bRate).padStart(9)} entries/s (cpu ${secs(b.cpuMs)})   ratio ${(oRate / bRate).toFixed(2)}`
          : ''),
    );
  };
  line('batch create', ours.create, base.create);
  line('list all, paginated', ours.list, base.list);
  const q = (what, t) => console.log(`[${label}] ${what.padEnd(24)} ${(t.ms).toFixed(1).padStart(7)} ms  (${fmt(t.out)} ${what.startsWith('count') ? 'counted' : 'entries'})`);
  q('list by selector ANY', ours.byAny);
  q('list by selector SUPER', ours.bySuperset);
  q('list by selector EXACT', ours.byExact);
  q('count all', ours.count);
  q('count by selector', ours.countSel);
  const createRate = (N / ours.create.ms) * 1000;
  console.log(
    `[${label}] targets: batch create >= 20,000 entries/s: ${createRate >= 20000 ? 'MET' : 'NOT MET'}; ` +
      `full paginated list < 2 s: ${ours.list.ms < 2000 ? 'MET' : 'NOT MET'}`,
  );
}

console.log(
  `datastore bench: ${fmt(N)} entries, batches of ${BATCH}, page size ${PAGE}, ${ROUNDS} round(s) (medians), node ${process.version}, ` +
    `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
);
const entries = makeEntries(N);

// Rounds alternate which side goes first, and the medians are reported, so that load from other
// processes on a shared machine hits both sides alike.
function median(results) {
  const pick = (key) => {
    const sorted = results.map((r) => r[key]).filter(Boolean).sort((a, b) => a.ms - b.ms);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const out = {};
  for (const key of Object.keys(results[0])) out[key] = pick(key);
  return out;
}

async function rounds(label, runOurs, runBase) {
  const ours = [];
  const base = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      ours.push(await runOurs(r));
      base.push(await runBase(r));
    } else {
      base.push(await runBase(r));
      ours.push(await runOurs(r));
    }
  }
  report(label, median(ours), median(base));
}

if (which === 'all' || which === 'sqlite3') {
  const dir = mkdtempSync(join(tmpdir(), 'spire-bench-'));
  try {
    await rounds(
      'sqlite3',
      (r) => benchStore('sqlite3', { database_type: 'sqlite3', connection_string: join(dir, `ds-${r}.sqlite3`) }, entries),
      (r) => baselineSqlite(join(dir, `baseline-${r}.sqlite3`), entries),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (which === 'all' || which === 'postgres') {
  const url = process.env.SPIRE_TEST_POSTGRES_URL;
  if (!url) {
    console.log('[postgres] skipped: SPIRE_TEST_POSTGRES_URL is not set (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  } else {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const made = [];
    const fresh = async () => {
      const name = `spire_bench_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      made.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    };
    try {
      await rounds(
        'postgres',
        async () => benchStore('postgres', { database_type: 'postgres', connection_string: await fresh() }, entries),
        async () => baselinePg((await fresh()).replace(/\?.*$/, ''), entries),
      );
    } finally {
      for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}
