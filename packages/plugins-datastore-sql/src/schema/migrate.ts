import type { SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { dbTimeMs } from '../store/sql-util.js';
import { convertLegacySchema } from './convert-legacy.js';
import { ensureExtras, freshSchemaDdl, MIN_SCHEMA_VERSION, SCHEMA_VERSION, stepDdl } from './migrations.js';

/** The `migrations` row (upstream keeps exactly one). */
interface MigrationRow {
  id: number;
  version: number;
  code_version: string | null;
  [k: string]: unknown;
}

/** A parsed `major.minor.patch[-pre][+build]`; undefined when `v` is not one. */
function semver(v: string): [number, number, number] | undefined {
  const m = v.match(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function greater(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** Upstream's rule: same major, minors at most one apart. */
function compatible(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] === b[0] && Math.abs(a[1] - b[1]) <= 1;
}

async function tableNames(db: SqlExecutor): Promise<Set<string>> {
  const sql =
    db.dialect === 'sqlite3'
      ? "SELECT name FROM sqlite_master WHERE type = 'table'"
      : db.dialect === 'postgres'
        ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()'
        : 'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()';
  return new Set((await db.query<{ name: string }>(sql)).map((r) => r.name));
}

/** The schema version recorded in `migrations`; 0 for a database without it. */
export async function schemaVersion(db: SqlExecutor): Promise<number> {
  if (!(await tableNames(db)).has('migrations')) return 0;
  const rows = await db.query<{ version: number }>('SELECT version FROM migrations ORDER BY id LIMIT 1');
  return Number(rows[0]?.version ?? 0);
}

/** Runs `fn` in a transaction that holds the migration lock, so two starting servers take turns. */
async function locked<T>(db: SqlDriver, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  if (db.dialect === 'mysql') {
    // MySQL commits DDL implicitly, so a named lock (not the transaction) keeps two servers apart.
    // The rows written under it are committed before it goes, so the next holder sees them.
    return db.transaction(async (tx) => {
      await tx.query("SELECT GET_LOCK('spire_ts_migrate', 120) AS l");
      try {
        const out = await fn(tx);
        await tx.exec('COMMIT');
        return out;
      } finally {
        await tx.query("SELECT RELEASE_LOCK('spire_ts_migrate') AS l");
      }
    });
  }
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(5734120) AS l');
    return fn(tx);
  });
}

async function readRow(tx: SqlExecutor): Promise<MigrationRow | undefined> {
  const rows = await tx.query<MigrationRow>('SELECT id, version, code_version FROM migrations ORDER BY id LIMIT 1');
  return rows[0] ? { id: Number(rows[0].id), version: Number(rows[0].version), code_version: rows[0].code_version } : undefined;
}

async function writeRow(tx: SqlExecutor, row: MigrationRow | undefined, version: number, codeVersion: string): Promise<void> {
  const now = dbTimeMs(tx.dialect, Date.now());
  if (row) await tx.exec('UPDATE migrations SET version = ?, code_version = ?, updated_at = ? WHERE id = ?', [version, codeVersion, now, row.id]);
  else await tx.exec('INSERT INTO migrations (created_at, updated_at, version, code_version) VALUES (?, ?, ?, ?)', [now, now, version, codeVersion]);
}

/**
 * Brings the database to SPIRE's schema SCHEMA_VERSION as upstream's server does, and adds our
 * extras (docs/spire-schema.md). An empty database gets every table and the `migrations` row; a
 * database at 23 or 24 is stepped forward, one transaction per version; one at SCHEMA_VERSION only
 * has its code version raised. `disable` keeps upstream's meaning: no schema change, and a start
 * only when the stored code version is within one minor of ours. A newer schema written by a
 * release within one minor is run on, as upstream does. Refuses (FAILED_PRECONDITION, upstream's
 * words): versions below MIN_SCHEMA_VERSION, newer versions written by an incompatible release. This server's own pre-SPIRE schema (spire_ts_schema) is converted in place
 * (convert-legacy.ts), or refused under `disable`. Resolves to the version the database is at. Safe to call twice.
 */
export async function migrate(db: SqlDriver, opts: { disable: boolean; codeVersion: string }): Promise<number> {
  const ours = semver(opts.codeVersion);
  if (!ours) throw SqlErrors.badCodeVersion(opts.codeVersion);
  const tables = await tableNames(db);
  if (!tables.has('migrations') && tables.has('spire_ts_schema')) {
    if (opts.disable) throw SqlErrors.preSpireSchema();
    return locked(db, async (tx) => {
      if ((await tableNames(tx)).has('migrations')) return SCHEMA_VERSION;
      await convertLegacySchema(tx);
      await writeRow(tx, undefined, SCHEMA_VERSION, opts.codeVersion);
      return SCHEMA_VERSION;
    });
  }
  if (!tables.has('migrations')) {
    // Upstream creates a new database whatever disable_migration says.
    return locked(db, async (tx) => {
      if ((await tableNames(tx)).has('migrations')) return SCHEMA_VERSION;
      for (const s of freshSchemaDdl(tx.dialect)) await tx.exec(s);
      await writeRow(tx, undefined, SCHEMA_VERSION, opts.codeVersion);
      return SCHEMA_VERSION;
    });
  }
  // On MySQL the table can be seen before its row: another server is creating the schema under
  // the lock (upstream #3948). Its row is there once the lock is ours.
  let row = (await readRow(db)) ?? (await locked(db, readRow));
  const version = row?.version ?? 0;
  const stored = row?.code_version ? semver(row.code_version) : [0, 0, 0];
  if (!stored) throw SqlErrors.badStoredCodeVersion(row!.code_version!);
  const [s0, s1, s2] = stored as [number, number, number];
  const theirs: [number, number, number] = [s0, s1, s2];
  if (version === SCHEMA_VERSION) {
    if (opts.disable) {
      if (await ensureExtras(db, true)) throw SqlErrors.extrasNeeded();
      return version;
    }
    return locked(db, async (tx) => {
      await ensureExtras(tx);
      row = await readRow(tx);
      if (greater(ours, theirs)) await writeRow(tx, row, SCHEMA_VERSION, opts.codeVersion);
      return SCHEMA_VERSION;
    });
  }
  if (opts.disable) {
    if (!compatible(ours, theirs)) throw SqlErrors.autoMigrationRequired();
    // Upstream runs on an older schema too; this server needs SCHEMA_VERSION's columns.
    if (version < SCHEMA_VERSION) throw SqlErrors.migrationDisabled(version, SCHEMA_VERSION);
    if (await ensureExtras(db, true)) throw SqlErrors.extrasNeeded();
    return version;
  }
  if (version > SCHEMA_VERSION) {
    // A release at most one minor away wrote it (a cluster mid-upgrade): upstream runs on it,
    // and so does this server (open.ts warns); it reads and writes the columns it knows.
    if (!compatible(ours, theirs)) throw SqlErrors.incompatibleSchema();
    await locked(db, (tx) => ensureExtras(tx));
    return version;
  }
  if (version < MIN_SCHEMA_VERSION) throw SqlErrors.schemaTooOld(version);
  for (let v = version; v < SCHEMA_VERSION; v++) {
    await locked(db, async (tx) => {
      const current = await readRow(tx);
      if ((current?.version ?? 0) !== v) return;
      for (const s of stepDdl(tx.dialect, v)) await tx.exec(s);
      await writeRow(tx, current, v + 1, opts.codeVersion);
    });
  }
  await locked(db, (tx) => ensureExtras(tx));
  return SCHEMA_VERSION;
}
