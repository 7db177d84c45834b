#!/usr/bin/env node
// The entries cache's full build alone, on the SQLite file bench/entries-cache/run.mjs populated
// (default sizes), timed `--rounds` times in this process: for profiling the build
// (`node --cpu-prof --cpu-prof-dir /tmp/prof bench/entries-cache/build-only.mjs`).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AuthorizedEntryCache, DEFAULT_ENTRY_CACHE_CONFIG, silentLogger, TrustDomain } from '@spire-ts/core';
import { sqlDataStore } from '@spire-ts/plugins-datastore-sql';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 1);
const file = join(tmpdir(), 'spire-ts-bench', 'entries-cache_spire25_300000a_1000000e_1000x_v1.sqlite3');
const TD = TrustDomain.parse('example.org');
const log = silentLogger();
const parsed = sqlDataStore.parseConfig({ database_type: 'sqlite3', connection_string: file }, { trustDomain: TD, dataDir: tmpdir() });
const ds = await sqlDataStore.create({ config: parsed.config, log, trustDomain: TD, dataDir: tmpdir(), host: {} });
for (let i = 0; i < rounds; i++) {
  const t = performance.now();
  const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, eventsBasedCache: true, dataStore: ds, trustDomain: TD, log });
  console.log(`build ${((performance.now() - t) / 1000).toFixed(2)} s`, JSON.stringify(cache.stats()));
  await cache.close?.();
}
await ds.close();
