import type { JoinToken } from '@spire-ts/core/plugin';
import { SqlFailure, type SqlDriver, type SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { dbTimeMs } from './sql-util.js';
import { checkString, checkTime, LIMITS } from './validate.js';

/** Stores a join token; INVALID_ARGUMENT without token or expiry, ALREADY_EXISTS when taken. */
export async function createJoinToken(db: SqlExecutor, t: JoinToken): Promise<void> {
  if (typeof t !== 'object' || t === null || !t.token || !t.expiry) throw SqlErrors.tokenRequired();
  const token = checkString('token', t.token, LIMITS.short, true);
  const expiry = checkTime('expiry', t.expiry);
  try {
    const now = dbTimeMs(db.dialect, Date.now());
    await db.exec('INSERT INTO join_tokens (created_at, updated_at, token, expiry) VALUES (?, ?, ?, ?)', [now, now, token, expiry]);
  } catch (err) {
    if (err instanceof SqlFailure && err.kind === 'unique') throw SqlErrors.tokenExists();
    throw err;
  }
}

/** The token, or undefined. */
export async function fetchJoinToken(db: SqlExecutor, token: string): Promise<JoinToken | undefined> {
  const rows = await db.query<{ token: string; expiry: number }>('SELECT token, expiry FROM join_tokens WHERE token = ?', [token]);
  return rows[0] ? { token: rows[0].token, expiry: Number(rows[0].expiry) } : undefined;
}

/** Deletes the token; NOT_FOUND when absent. */
export async function deleteJoinToken(db: SqlExecutor, token: string): Promise<void> {
  if ((await db.exec('DELETE FROM join_tokens WHERE token = ?', [token])) === 0) throw SqlErrors.tokenNotFound();
}

/**
 * Deletes and returns the token. The DELETE's row count decides the winner: of two concurrent
 * consumers only one deletes the row, so only one gets the token.
 */
export function consumeJoinToken(db: SqlDriver, token: string): Promise<JoinToken | undefined> {
  return db.transaction(async (tx) => {
    const found = await fetchJoinToken(tx, token);
    if (!found) return undefined;
    const deleted = await tx.exec('DELETE FROM join_tokens WHERE token = ?', [token]);
    return deleted === 1 ? found : undefined;
  });
}

/** Deletes tokens that expire before the time. */
export async function pruneJoinTokens(db: SqlExecutor, expiresBefore: number): Promise<void> {
  await db.exec('DELETE FROM join_tokens WHERE expiry < ?', [expiresBefore]);
}

/** How many tokens are stored. */
export async function countJoinTokens(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM join_tokens');
  return Number(rows[0]?.n ?? 0);
}
