// The entries-cache bench's SQLite dataset, shared with bench/console-entries: a file in
// $TMPDIR/spire-ts-bench/ named after the dataset's sizes, made once (migrated by the sql
// DataStore, then bulk-filled) and reused by later runs while it exists.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { checkSimilarityKey, populateSqlite } from './populate.mjs';
import { datasetTag, openStore } from './prepare-postgres.mjs';

/** Makes sure the populated file for sizes `s` exists; returns its path and, when made now, how long that took. */
export async function prepareSqlite(s) {
  const dir = join(tmpdir(), 'spire-ts-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `entries-cache_spire25_${datasetTag(s)}.sqlite3`);
  if (existsSync(file)) return { file, populateMs: undefined };
  const tmp = `${file}.part`;
  rmSync(tmp, { force: true });
  const t0 = performance.now();
  const ds = await openStore({ database_type: 'sqlite3', connection_string: tmp });
  const raw = new Database(tmp, { readonly: true });
  await checkSimilarityKey(ds, async (id) => raw.prepare('SELECT similarity_key FROM registered_entries WHERE entry_id = ?').get(id)?.similarity_key);
  raw.close();
  await ds.close();
  populateSqlite(tmp, s);
  for (const ext of ['-wal', '-shm']) rmSync(tmp + ext, { force: true });
  renameSync(tmp, file);
  return { file, populateMs: performance.now() - t0 };
}
