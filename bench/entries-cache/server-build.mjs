#!/usr/bin/env node
// The 1M-entry cache build through the real server: starts `spire-server run` on the
// entries-cache dataset (300k agents, 1M entries, 1k node aliases; made by the shared prepare
// scripts when missing) and reads the build time the server logs ("Completed building in-memory
// entry cache", elapsed_ms). Baseline, in the same run: the same build in this process
// (AuthorizedEntryCache.create on the same store, as the server's cache does it), so the ratio
// shows what running inside the server costs.
//
//   node bench/entries-cache/server-build.mjs [--db sqlite3|postgres|all] [--rounds 1]
//
// SQLite: the server runs on a copy of the dataset file (it writes its bundle and CA journal).
// PostgreSQL runs when SPIRE_TEST_POSTGRES_URL is set (eval "$(bash scripts/test-dbs.sh env)").
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AuthorizedEntryCache, DEFAULT_ENTRY_CACHE_CONFIG, silentLogger, TrustDomain } from '@spire-ts/core';
import { sizes } from './dataset.mjs';
import { openStore, preparePostgres } from './prepare-postgres.mjs';
import { prepareSqlite } from './prepare-sqlite.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const which = arg('db', 'all');
const rounds = Number(arg('rounds', '1'));
const S = sizes(300_000, 1_000_000, 1_000);
const TD = TrustDomain.parse('example.org');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A TCP port free on loopback now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the server on `dataStore` (a DataStore block), resolves the build time it logs, then stops it. */
async function serverBuildMs(dataStoreBlock) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-server-build-'));
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    `server {
  bind_address = "127.0.0.1"
  bind_port = "${await freePort()}"
  socket_path = "${join(dir, 'api.sock')}"
  trust_domain = "example.org"
  data_dir = "${join(dir, 'data')}"
  log_level = "INFO"
}
plugins {
  ${dataStoreBlock}
  KeyManager "memory" { plugin_data {} }
  NodeAttestor "join_token" { plugin_data {} }
}
`,
  );
  const proc = spawn(process.execPath, [join(ROOT, 'bin', 'spire-server'), 'run', '-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    return await new Promise((resolve, reject) => {
      const look = (d) => {
        out += d.toString();
        const m = /Completed building in-memory entry cache.*elapsed_ms=(\d+).*entries=(\d+)/.exec(out);
        if (m) resolve({ ms: Number(m[1]), entries: Number(m[2]) });
      };
      proc.stdout.on('data', look);
      proc.stderr.on('data', look);
      proc.once('exit', (code) => reject(new Error(`spire-server exited with ${code} before building its cache:\n${out}`)));
    });
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same build in this process, on the same store. */
async function inProcessBuildMs(pluginData) {
  const ds = await openStore(pluginData);
  try {
    const t = performance.now();
    const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, dataStore: ds, trustDomain: TD, log: silentLogger() });
    const ms = performance.now() - t;
    await cache.close?.();
    return ms;
  } finally {
    await ds.close();
  }
}

async function bench(name, pluginData, block) {
  const server = [];
  const inProc = [];
  for (let i = 0; i < rounds; i++) {
    const s = await serverBuildMs(block);
    server.push(s.ms);
    inProc.push(await inProcessBuildMs(pluginData));
    if (s.entries < 999_000) throw new Error(`the server's cache holds ${s.entries} entries`);
  }
  const sv = median(server);
  const ip = median(inProc);
  console.log(
    `[${name}] server build (spire-server run, logged)  ${(sv / 1000).toFixed(2)} s   in-process build (same store) ${(ip / 1000).toFixed(2)} s   ratio ${(sv / ip).toFixed(2)}   target <= 10 s: ${sv <= 10_000 ? 'MET' : 'NOT MET'}`,
  );
}

console.log(`entries-cache server build: ${S.agents.toLocaleString('en-US')} agents, ${S.entries.toLocaleString('en-US')} entries, ${rounds} round(s) (medians), node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
if (which === 'sqlite3' || which === 'all') {
  const { file } = await prepareSqlite(S);
  const copy = join(mkdtempSync(join(tmpdir(), 'bench-server-build-db-')), 'ds.sqlite3');
  try {
    copyFileSync(file, copy);
    for (const ext of ['-wal', '-shm']) if (existsSync(file + ext)) copyFileSync(file + ext, copy + ext);
    const data = { database_type: 'sqlite3', connection_string: copy };
    await bench('sqlite3', data, `DataStore "sql" { plugin_data { database_type = "sqlite3"  connection_string = "${copy}" } }`);
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
}
if (which === 'postgres' || which === 'all') {
  const url = process.env.SPIRE_TEST_POSTGRES_URL;
  if (!url) console.log('[postgres] skipped: SPIRE_TEST_POSTGRES_URL is not set (bash scripts/test-dbs.sh start; eval "$(bash scripts/test-dbs.sh env)")');
  else {
    const { url: dbUrl } = await preparePostgres(url, S);
    await bench('postgres', { database_type: 'postgres', connection_string: dbUrl }, `DataStore "sql" { plugin_data { database_type = "postgres"  connection_string = "${dbUrl}" } }`);
  }
}
