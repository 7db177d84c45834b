import type { SqlDriver, SqlSnapshot } from '../driver/sql-driver.js';
import { toSpireError } from './sql-util.js';

/**
 * The start of one batch of a keyset scan: where it ends (known once its rows are read) and its
 * records (complete once their child rows are read too).
 */
export interface ScanBatch<T> {
  /** Row id of the batch's last row: the next batch starts after it. */
  last: number;
  /** False when this batch is known to be the last (it came back short). */
  more: boolean;
  items: Promise<T[]>;
}

/** Batches a scan reads ahead of its caller. */
const READ_AHEAD = 4;

/** Marks a promise as handled (it is awaited later); its failure must not count as unhandled. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * A keyset scan over one read snapshot: `read(snap, after)` reads the rows of the batch after row
 * id `after` (undefined when there is none) and starts reading their children. Up to READ_AHEAD
 * batches are read ahead of the caller, each one started as soon as the previous batch's last row
 * id is known, so a database on another thread or process keeps answering while the caller
 * indexes. The snapshot ends when the iteration ends, also by break or throw (after every read
 * still under way). Errors are SpireErrors.
 */
export async function* keysetScan<T>(db: SqlDriver, read: (snap: SqlSnapshot, after: number) => Promise<ScanBatch<T> | undefined>): AsyncGenerator<T[]> {
  let snap: SqlSnapshot;
  try {
    snap = await db.readSnapshot();
  } catch (err) {
    throw toSpireError(err);
  }
  let head: Promise<ScanBatch<T> | undefined> | undefined = held(read(snap, 0));
  const ahead: Promise<T[]>[] = [];
  try {
    const kept: T[][] = [];
    for (;;) {
      while (head && ahead.length < READ_AHEAD) {
        const batch: ScanBatch<T> | undefined = await head;
        head = undefined;
        if (!batch) break;
        ahead.push(held(batch.items));
        if (batch.more) head = held(read(snap, batch.last));
      }
      const next = ahead.shift();
      if (!next) break;
      const items = await next;
      // An exclusive snapshot blocks every other call of the store: read it all first, so the
      // caller may use the store between batches (only in-memory SQLite, small by nature).
      if (snap.exclusive) kept.push(items);
      else yield items;
    }
    if (kept.length > 0) {
      await snap.end();
      yield* kept;
    }
  } catch (err) {
    throw toSpireError(err);
  } finally {
    await Promise.allSettled([head, ...ahead]);
    await snap.end();
  }
}
