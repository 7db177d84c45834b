import { SqlErrors } from '../errors.js';
import type { SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { MIGRATIONS, SCHEMA_VERSION, versionTableDdl } from './migrations.js';

/** The version recorded in the store; 0 for an empty database. */
export async function schemaVersion(db: SqlExecutor): Promise<number> {
  const rows = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM spire_ts_schema');
  return Number(rows[0]?.v ?? 0);
}

/**
 * Brings the schema to SCHEMA_VERSION, or checks that it is there when `disable` is set.
 * Several servers may start at once: the first migrates under a database lock, the others then
 * find the schema current. Throws FAILED_PRECONDITION when the schema is newer than this code, or
 * older while migrations are disabled. Safe to call twice.
 */
export async function migrate(db: SqlDriver, opts: { disable: boolean; codeVersion: string }): Promise<number> {
  await db.exec(versionTableDdl(db.dialect));
  const found = await schemaVersion(db);
  if (found > SCHEMA_VERSION) throw SqlErrors.schemaTooNew(found, SCHEMA_VERSION);
  if (found === SCHEMA_VERSION) return found;
  if (opts.disable) throw SqlErrors.migrationDisabled(found, SCHEMA_VERSION);

  if (db.dialect === 'mysql') {
    // MySQL commits DDL implicitly, so a named lock (not the transaction) keeps two servers apart.
    return db.transaction(async (tx) => {
      await tx.query("SELECT GET_LOCK('spire_ts_migrate', 120) AS l");
      try {
        return await applyPending(tx, opts.codeVersion);
      } finally {
        await tx.query("SELECT RELEASE_LOCK('spire_ts_migrate') AS l");
      }
    });
  }
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(5734120) AS l');
    return applyPending(tx, opts.codeVersion);
  });
}

async function applyPending(tx: SqlExecutor, codeVersion: string): Promise<number> {
  const current = await schemaVersion(tx);
  if (current > SCHEMA_VERSION) throw SqlErrors.schemaTooNew(current, SCHEMA_VERSION);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    for (const stmt of m.statements(tx.dialect)) await tx.exec(stmt);
    await tx.exec('INSERT INTO spire_ts_schema (version, code_version, applied_at) VALUES (?, ?, ?)', [
      m.version,
      codeVersion,
      Math.floor(Date.now() / 1000),
    ]);
  }
  return SCHEMA_VERSION;
}
