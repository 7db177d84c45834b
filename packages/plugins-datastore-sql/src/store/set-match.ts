import type { MatchBehavior } from '@spire-ts/core/plugin';
import type { Dialect } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';

/**
 * How a set-valued attribute (an entry's selectors or trust domains, a node's selectors) is
 * stored: rows of `table` (aliased `S` in the generated SQL), owned through `ownerColumn`, one row
 * per member, a member never twice for one owner.
 */
export interface SetTable<T> {
  table: string;
  ownerColumn: string;
  /** Joins after `table S` that the member columns need (e.g. the bundle of a trust domain). */
  join?: string;
  /** The columns that together name one member, e.g. `['S.type', 'S.value']`. */
  members: readonly string[];
  /** One item's values for `members`, in order. */
  memberValues: (item: T) => string[];
  /**
   * The member columns are ASCII (MySQL: `ascii_bin`, as trust domains are stored). The wanted
   * values are read in that character set so the comparison can use the column's index; a value
   * that is not ASCII then reads with `?` in place of its other characters, which no stored
   * (validated) value contains, so it matches nothing, as it should.
   */
  ascii?: boolean;
}

/**
 * The wanted items as a derived table `W(c0, c1, ...)` read from ONE parameter, a JSON array of
 * arrays of strings. Whatever the number of items, the statement has the same shape and one
 * parameter, so no database limit on expression depth, parameter count or statement length is
 * reached (SQLite's "Expression tree is too large" at about 500 ORed terms, the stack at 100k);
 * only the JSON text grows (MySQL/MariaDB: it must fit in max_allowed_packet).
 */
function wantedRows(dialect: Dialect, width: number, ascii: boolean): string {
  const cols = Array.from({ length: width }, (_, i) => i);
  switch (dialect) {
    case 'sqlite3':
      return `(SELECT ${cols.map((i) => `json_extract(value, '$[${i}]') AS c${i}`).join(', ')} FROM json_each(?))`;
    case 'postgres':
      return `(SELECT ${cols.map((i) => `e->>${i} AS c${i}`).join(', ')} FROM json_array_elements(?::json) AS e)`;
    case 'mysql': {
      // SPIRE's tables are utf8 (utf8mb3) with the server's default collation: reading the wanted
      // values in that character set and collation keeps the columns' indexes usable.
      void ascii;
      return `JSON_TABLE(?, '$[*]' COLUMNS(${cols.map((i) => `c${i} VARCHAR(255) CHARACTER SET utf8 PATH '$[${i}]'`).join(', ')}))`;
    }
  }
}

/**
 * A condition on `outer` (the owner's key in the outer query) that holds when the owner's set
 * relates to `items` as `match` says: EXACT (the same set), SUBSET (owner's set within items,
 * not empty), SUPERSET (owner's set contains every item) or MATCH_ANY (at least one in common).
 * `items` must hold no duplicates. The items travel as one JSON parameter joined as a table, so
 * any number of them works on every dialect (see `wantedRows`). Throws INVALID_ARGUMENT for an
 * unknown match behaviour.
 */
export function setMatchSql<T>(
  dialect: Dialect,
  field: string,
  outer: string,
  t: SetTable<T>,
  items: readonly T[],
  match: MatchBehavior,
): { sql: string; params: unknown[] } {
  if (match !== 'MATCH_ANY' && match !== 'SUPERSET' && match !== 'SUBSET' && match !== 'EXACT') throw SqlErrors.badMatch(field, match);
  const wanted = JSON.stringify(items.map(t.memberValues));
  // MySQL: SPIRE's utf8 columns compare case-insensitively; the first test uses their index, the
  // byte comparison keeps matching exact as on the other dialects.
  const eq = (m: string, i: number): string =>
    dialect === 'mysql' ? `${m} = W.c${i} AND CAST(${m} AS BINARY) = CAST(W.c${i} AS BINARY)` : `${m} = W.c${i}`;
  const on = t.members.map(eq).join(' AND ');
  const owner = `S.${t.ownerColumn}`;
  const matched = `FROM ${t.table} S${t.join ?? ''} JOIN ${wantedRows(dialect, t.members.length, t.ascii ?? false)} W ON ${on}`;
  if (match === 'MATCH_ANY') return { sql: `${outer} IN (SELECT ${owner} ${matched})`, params: [wanted] };
  // How many of the items each owner has; an owner's members are distinct, and so are the items.
  const counts = `(SELECT ${owner} AS o, COUNT(*) AS c ${matched} GROUP BY ${owner}) M`;
  const allItems = 'M.c = ?';
  const noOther = `M.c = (SELECT COUNT(*) FROM ${t.table} S2 WHERE S2.${t.ownerColumn} = M.o)`;
  switch (match) {
    case 'SUPERSET':
      return { sql: `${outer} IN (SELECT M.o FROM ${counts} WHERE ${allItems})`, params: [wanted, items.length] };
    case 'SUBSET':
      return { sql: `${outer} IN (SELECT M.o FROM ${counts} WHERE ${noOther})`, params: [wanted] };
    case 'EXACT':
      return { sql: `${outer} IN (SELECT M.o FROM ${counts} WHERE ${allItems} AND ${noOther})`, params: [wanted, items.length] };
  }
}
