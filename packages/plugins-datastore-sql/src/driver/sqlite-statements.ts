// Statement helpers shared by the SQLite driver and its snapshot worker thread. They live apart from
// sqlite-driver.ts so that the worker does not load the module that spawns it.
import type Database from 'better-sqlite3';

function convert(p: unknown): unknown {
  if (typeof p === 'boolean') return p ? 1 : 0;
  if (p instanceof Uint8Array && !Buffer.isBuffer(p)) return Buffer.from(p);
  return p;
}

/** Parameters as better-sqlite3 takes them; the input array itself when nothing needs converting. */
export function bind(params: readonly unknown[]): readonly unknown[] {
  for (const p of params) {
    if (typeof p === 'boolean' || (p instanceof Uint8Array && !Buffer.isBuffer(p))) return params.map(convert);
  }
  return params;
}

/** How a snapshot query returns its rows: objects, arrays, or the first column's values. */
export type RowShape = 'objects' | 'arrays' | 'column';

/** The statement for `sql` in `shape`, prepared once per cache. */
export function prepareShaped(db: Database.Database, cache: Map<string, Database.Statement>, shape: RowShape, sql: string): Database.Statement {
  const key = `${shape}:${sql}`;
  let st = cache.get(key);
  if (!st) {
    st = db.prepare(sql);
    if (shape === 'arrays') st.raw(true);
    else if (shape === 'column') st.pluck(true);
    cache.set(key, st);
  }
  return st;
}
