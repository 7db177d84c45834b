import type { Dialect, SqlSnapshot } from '../driver/sql-driver.js';

/**
 * Packed reads, for the bulk scans. The database joins each row's columns into one text value with
 * the ASCII unit separator, and (SQLite, PostgreSQL) joins a whole batch of such rows the same way,
 * so a batch of thousands of rows arrives as one string that one native `split` takes apart. Every
 * value a driver returns otherwise costs a call across the driver boundary and a JS value (about
 * 140 ns per cell with better-sqlite3, more with pg's text protocol). MySQL caps the length of an
 * aggregated string, so there the rows come one value each.
 *
 * Free-form values (hints, selectors, versions) may contain the separator themselves. Such a value
 * adds a field, so the batch no longer splits into rows × columns fields: that is detected, and the
 * batch is read again column by column. Nothing is ever mis-assigned.
 */
const SEP = '\x1f';

/**
 * A bulk SELECT: its columns (none NULL), `FROM ... WHERE ...`, its order and an optional limit.
 * The first column is the first ORDER BY key, an integer row id: packed rows are checked to come
 * back ascending by it (see `packedFields`).
 */
export interface BulkSelect {
  columns: readonly string[];
  from: string;
  orderBy: readonly string[];
  limit?: number;
}

/** Rows of a bulk read, flattened: field `k` of row `i` is `fields[i * width + k]`. */
export interface FlatRows {
  fields: readonly unknown[];
  width: number;
  count: number;
}

function packedColumn(dialect: Dialect, columns: readonly string[]): string {
  switch (dialect) {
    case 'sqlite3':
      return columns.join(' || char(31) || ');
    case 'postgres':
      return `concat_ws(chr(31), ${columns.join(', ')})`;
    case 'mysql':
      return `CONCAT_WS(CHAR(31 USING utf8mb4), ${columns.join(', ')})`;
  }
}

/** Every field of `count` packed rows of `width` fields in `text`, or undefined when they do not add up. */
function splitBatch(text: unknown, count: number, width: number): string[] | undefined {
  if (count === 0) return [];
  if (typeof text !== 'string') return undefined;
  const fields = text.split(SEP);
  return fields.length === count * width ? fields : undefined;
}

/** True when the first field of each row does not decrease (as integers). */
function ascending(fields: readonly string[], width: number): boolean {
  let prev = -Infinity;
  for (let o = 0; o < fields.length; o += width) {
    const v = Number(fields[o]);
    if (!(v >= prev)) return false;
    prev = v;
  }
  return true;
}

/**
 * The packed fields of `q`, or undefined when some value holds the separator or the rows came back
 * out of order. The batch is aggregated in the order of its ordered subquery rather than sorted
 * again inside `string_agg` / `group_concat` (PostgreSQL 15 has no presorted aggregation; on it
 * that second sort was a third of the query's cost). PostgreSQL documents that an aggregate over a
 * sorted subquery, with nothing else at the outer level, sees the rows in that order; SQLite does
 * so too but promises nothing. So the rows are checked: out of order, they are read again column
 * by column, ordered by the query itself.
 */
async function packedFields(snap: SqlSnapshot, q: BulkSelect, params: readonly unknown[]): Promise<string[] | undefined> {
  const width = q.columns.length;
  if (q.columns[0] !== q.orderBy[0]) throw new Error(`bulk select: the first column must be the first order key (${q.columns[0]} / ${q.orderBy[0]})`);
  const packed = packedColumn(snap.dialect, q.columns);
  const order = q.orderBy.join(', ');
  const limit = q.limit === undefined ? '' : ` LIMIT ${q.limit}`;
  if (snap.dialect === 'mysql') {
    const rows = await snap.queryColumn(`SELECT ${packed} ${q.from} ORDER BY ${order}${limit}`, params);
    const out: string[] = [];
    for (const v of rows) {
      const f = splitBatch(v, 1, width);
      if (!f) return undefined;
      for (const x of f) out.push(x);
    }
    return out;
  }
  const agg = snap.dialect === 'postgres' ? 'string_agg(q.p, chr(31))' : 'group_concat(q.p, char(31))';
  const [row] = await snap.queryArrays(`SELECT ${agg}, count(*) FROM (SELECT ${packed} AS p ${q.from} ORDER BY ${order}${limit}) q`, params);
  const fields = splitBatch(row?.[0], Number(row?.[1] ?? 0), width);
  return fields && ascending(fields, width) ? fields : undefined;
}

/**
 * Runs `q` in the snapshot, packed when every value allows it and column by column otherwise.
 * Packed values are text: callers convert numbers with `Number`.
 */
export async function selectRows(snap: SqlSnapshot, q: BulkSelect, params: readonly unknown[]): Promise<FlatRows> {
  const width = q.columns.length;
  const fields = await packedFields(snap, q, params);
  if (fields) return { fields, width, count: fields.length / width };
  const limit = q.limit === undefined ? '' : ` LIMIT ${q.limit}`;
  const rows = await snap.queryArrays(`SELECT ${q.columns.join(', ')} ${q.from} ORDER BY ${q.orderBy.join(', ')}${limit}`, params);
  return { fields: rows.flat(), width, count: rows.length };
}
