import type { Dialect, SqlExecutor } from '../driver/sql-driver.js';
import { readCatalog } from './catalog.js';
import { createIndexDdl, quoteIdent, spireSchemaDdl, spireStepDdl } from './spire-ddl.js';
import { SPIRE_MIN_SCHEMA_VERSION, SPIRE_SCHEMA_VERSION } from './spire-model.js';

/** The schema version this code writes and reads: upstream SPIRE's (docs/spire-schema.md). */
export const SCHEMA_VERSION = SPIRE_SCHEMA_VERSION;
/** The oldest version this code migrates from, as upstream. */
export const MIN_SCHEMA_VERSION = SPIRE_MIN_SCHEMA_VERSION;

/**
 * Our extras on upstream's tables: only nullable columns and indexes that Go SPIRE never
 * violates (docs/spire-schema.md, "Our extras"). Go-written rows leave them NULL.
 */
interface Extra {
  table: string;
  column: string;
  ddl: (d: Dialect) => string;
}

const EXTRAS: readonly Extra[] = [
  {
    table: 'registered_entries',
    column: 'similarity_key',
    ddl: (d) => `ALTER TABLE ${quoteIdent(d, 'registered_entries')} ADD ${quoteIdent(d, 'similarity_key')} CHAR(32)${d === 'mysql' ? ' CHARACTER SET ascii COLLATE ascii_bin' : ''} NULL`,
  },
  {
    table: 'registered_entries',
    column: 'similarity_revision',
    ddl: (d) => `ALTER TABLE ${quoteIdent(d, 'registered_entries')} ADD ${quoteIdent(d, 'similarity_revision')} BIGINT NULL`,
  },
  {
    table: 'ca_journals',
    column: 'expires_at_unix',
    ddl: (d) => `ALTER TABLE ${quoteIdent(d, 'ca_journals')} ADD ${quoteIdent(d, 'expires_at_unix')} BIGINT NULL`,
  },
];

const EXTRA_INDEXES = [
  // The similar-entry rule, enforced by the database for rows that carry a key (NULLs never clash).
  { table: 'registered_entries', index: { name: 'uix_registered_entries_similarity_key', unique: true, columns: ['similarity_key'] } },
  // Node selector filters look selectors up by (type, value); upstream indexes them by node only.
  { table: 'node_resolver_map_entries', index: { name: 'idx_node_resolver_map_type_value', unique: false, columns: ['type', 'value'] } },
];

/**
 * Adds whichever of our extras `db` lacks (a database Go SPIRE created has none). Returns whether
 * it changed anything; with `dryRun` it only says whether it would. Safe to call twice.
 */
export async function ensureExtras(db: SqlExecutor, dryRun = false): Promise<boolean> {
  const cat = await readCatalog(db);
  const stmts: string[] = [];
  for (const x of EXTRAS) {
    if (!cat.tables[x.table]?.columns.some((c) => c.name === x.column)) stmts.push(x.ddl(db.dialect));
  }
  for (const x of EXTRA_INDEXES) if (!cat.indexes[x.index.name]) stmts.push(createIndexDdl(db.dialect, x.table, x.index));
  if (!dryRun) for (const s of stmts) await db.exec(s);
  return stmts.length > 0;
}

/** Every statement that makes an empty database SPIRE's schema at SCHEMA_VERSION, extras included. */
export function freshSchemaDdl(d: Dialect): string[] {
  return [
    ...spireSchemaDdl(d, SCHEMA_VERSION),
    ...EXTRAS.map((x) => x.ddl(d)),
    ...EXTRA_INDEXES.map((x) => createIndexDdl(d, x.table, x.index)),
  ];
}

/** The statements of upstream's step from `from` to `from + 1` (23→24, 24→25). */
export function stepDdl(d: Dialect, from: number): string[] {
  return spireStepDdl(d, from);
}
