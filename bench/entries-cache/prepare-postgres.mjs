// The entries-cache bench's PostgreSQL dataset, shared with bench/ha-join: a database named after
// the dataset's sizes, populated once (migrated by the sql DataStore, then bulk-filled) and reused
// by later runs while it still holds the expected number of agents.
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { silentLogger, TrustDomain } from '@spire-ts/core';
import { sqlDataStore } from '@spire-ts/plugins-datastore-sql';
import { checkSimilarityKey, populatePostgres } from './populate.mjs';

const TD = TrustDomain.parse('example.org');

/** The dataset's tag, part of its database's name. */
export const datasetTag = (s) => `${s.agents}a_${s.entries}e_${s.aliases}x_v1`;

/** Opens the sql DataStore on `pluginData` (migrating an empty database). */
export async function openStore(pluginData, log = silentLogger()) {
  const core = { trustDomain: TD, dataDir: tmpdir() };
  const parsed = sqlDataStore.parseConfig(pluginData, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return sqlDataStore.create({ config: parsed.config, log, trustDomain: TD, dataDir: tmpdir(), host: {} });
}

/**
 * Makes sure the populated database for sizes `s` exists on the server of `url` (any database
 * URL of it); returns its URL and, when it was populated now, how long that took.
 */
export async function preparePostgres(url, s) {
  const name = `spire_ts_bench_ec25_${datasetTag(s)}`.toLowerCase();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const u = new URL(url);
  u.pathname = `/${name}`;
  let populateMs;
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0;
    let ready = false;
    if (exists) {
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      try {
        ready = Number((await c.query('SELECT COUNT(*) AS n FROM attested_node_entries')).rows[0].n) === s.agents;
      } catch {
        ready = false;
      } finally {
        await c.end();
      }
    }
    if (!ready) {
      const t0 = performance.now();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      const ds = await openStore({ database_type: 'postgres', connection_string: u.toString() });
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      await checkSimilarityKey(ds, async (id) => (await c.query('SELECT similarity_key FROM registered_entries WHERE entry_id = $1', [id])).rows[0]?.similarity_key);
      await c.end();
      await ds.close();
      await populatePostgres(u.toString(), s);
      populateMs = performance.now() - t0;
    }
  } finally {
    await admin.end();
  }
  return { name, url: u.toString(), populateMs };
}
