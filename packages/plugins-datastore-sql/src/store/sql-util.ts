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

/** A SQL boolean as the store writes it. */
export function b(v: boolean | undefined): number {
  return v ? 1 : 0;
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
