import { Code, SpireError, spireError } from '@spire-ts/core/plugin';
import { SqlFailure, type Dialect } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';

/** `(?, ?, ?)` for n values. */
export function placeholders(n: number): string {
  return `(${new Array<string>(n).fill('?').join(', ')})`;
}

/** Splits a list into chunks of at most `size` (IN lists and multi-row inserts stay bounded). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A value for a GORM `bool` column: PostgreSQL's are `boolean`; SQLite's and MySQL's hold 0/1. */
export function b(d: Dialect, v: boolean | undefined): number | boolean {
  return d === 'postgres' ? v === true : v ? 1 : 0;
}

/** A `bool` column read as 0/1 (PostgreSQL's `boolean` would otherwise read as true/false, or t/f as text). */
export function boolSql(d: Dialect, col: string): string {
  return d === 'postgres' ? `CAST(${col} AS INT)` : col;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * A value for a GORM `time.Time` column at `ms` (Unix milliseconds): `YYYY-MM-DD HH:MM:SS[.mmm]`
 * in UTC, with `+00:00` on SQLite (as the Go SQLite driver writes it, so text comparisons agree)
 * and PostgreSQL; MySQL DATETIME takes no offset and holds UTC, as Go SPIRE's driver writes it.
 */
export function dbTimeMs(d: Dialect, ms: number): string {
  const t = new Date(ms);
  const frac = t.getUTCMilliseconds();
  const s =
    `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ` +
    `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}${frac ? `.${pad(frac, 3)}` : ''}`;
  return d === 'mysql' ? s : `${s}+00:00`;
}

/** `dbTimeMs` for Unix seconds. */
export function dbTime(d: Dialect, sec: number): string {
  return dbTimeMs(d, sec * 1000);
}

/** A time column read as Unix seconds (an integer; NULL stays NULL). */
export function epochSql(d: Dialect, col: string): string {
  switch (d) {
    case 'sqlite3':
      // unixepoch (SQLite 3.38+) is a third cheaper than CAST(strftime('%s', ...)) in bulk scans.
      return `unixepoch(${col})`;
    case 'postgres':
      return `CAST(EXTRACT(EPOCH FROM ${col}) AS BIGINT)`;
    case 'mysql':
      // Plain DATETIME arithmetic: no dependence on the session's time zone.
      return `TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', ${col})`;
  }
}

/** Row locking for read-modify-write; SQLite's BEGIN IMMEDIATE already holds the write lock. */
export function forUpdate(d: Dialect): string {
  return d === 'sqlite3' ? '' : ' FOR UPDATE';
}

/** Now, Unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Turns anything a store operation threw into a SpireError: SpireErrors pass through, driver
 * failures get their status (UNAVAILABLE, ALREADY_EXISTS, ...), anything else is UNKNOWN.
 */
export function toSpireError(err: unknown): SpireError {
  if (err instanceof SpireError) return err;
  if (err instanceof SqlFailure) {
    switch (err.kind) {
      case 'unavailable':
        return SqlErrors.unavailable(err.message, err);
      case 'unique':
        return spireError(Code.ALREADY_EXISTS, `duplicate record: ${err.message}`, err);
      case 'foreign-key':
        return spireError(Code.FAILED_PRECONDITION, `a record this change refers to does not exist (removed concurrently?): ${err.message}`, err);
      case 'too-long':
        return spireError(Code.INVALID_ARGUMENT, `a value is too long for its column: ${err.message}`, err);
      default:
        return SqlErrors.sqlFailed(err.message, err);
    }
  }
  return SqlErrors.sqlFailed(err instanceof Error ? err.message : String(err), err);
}
