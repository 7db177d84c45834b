import { Code } from '@spire-ts/core/plugin';
import type { SqlDriver } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { toSpireError } from './sql-util.js';

/** Thrown inside the probe's transaction so that the driver rolls it back. */
class ProbeRollback extends Error {}

/**
 * Proves that the database takes writes: rewrites the `migrations` row with its own values inside
 * a transaction and rolls it back, so nothing changes. No sequence moves (an insert into an event
 * table would leave a gap that entry caches then wait for). Cheap, and
 * honest where a `SELECT 1` is not: a read-only SQLite connection or file, a PostgreSQL standby or
 * `default_transaction_read_only`, and a MySQL `read_only` server (to a user without SUPER) all
 * answer reads and refuse this.
 *
 * Throws UNAVAILABLE: "database unavailable: ..." when the database cannot be reached, "database
 * does not accept writes: <the database's reason>" when it refuses the write.
 */
export async function probeWrite(db: SqlDriver): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.exec('UPDATE migrations SET version = version WHERE id = id');
      throw new ProbeRollback();
    });
  } catch (err) {
    if (err instanceof ProbeRollback) return;
    const failure = toSpireError(err);
    if (failure.code === Code.UNAVAILABLE) throw failure;
    throw SqlErrors.notWritable(err instanceof Error ? err.message : String(err), err);
  }
}
