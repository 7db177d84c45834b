import type { Dialect } from '../driver/sql-driver.js';
import { columnsAt, SPIRE_TABLES, type SpireColumn, type SpireColumnKind, type SpireIndex, type SpireTable } from './spire-model.js';

/** What GORM v1.9.16 declares for each column kind, per dialect (docs/spire-schema.md). */
const TYPES: Record<Dialect, Record<SpireColumnKind, string>> = {
  sqlite3: {
    id: 'integer primary key autoincrement',
    time: 'datetime',
    string: 'varchar(255)',
    stringNotNull: 'varchar(255) NOT NULL',
    bool: 'bool',
    int: 'integer',
    bigint: 'bigint',
    uint: 'integer',
    blob16m: 'blob',
    blob: 'blob',
  },
  postgres: {
    id: 'serial',
    time: 'timestamp with time zone',
    string: 'text',
    stringNotNull: 'text NOT NULL',
    bool: 'boolean',
    int: 'integer',
    bigint: 'bigint',
    uint: 'integer',
    blob16m: 'bytea',
    blob: 'bytea',
  },
  mysql: {
    id: 'int unsigned AUTO_INCREMENT',
    time: 'DATETIME NULL',
    string: 'varchar(255)',
    stringNotNull: 'varchar(255) NOT NULL',
    bool: 'boolean',
    int: 'int',
    bigint: 'bigint',
    uint: 'int unsigned',
    blob16m: 'mediumblob',
    blob: 'longblob',
  },
};

/** The table options upstream sets on MySQL (`tableOptionsForDialect`). */
export const MYSQL_TABLE_OPTIONS = 'ENGINE=InnoDB ROW_FORMAT=DYNAMIC DEFAULT CHARSET=utf8';

/** A quoted identifier in the dialect. */
export function quoteIdent(d: Dialect, name: string): string {
  return d === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/** The column definition for one column, as GORM declares it. */
export function columnDdl(d: Dialect, c: SpireColumn): string {
  return `${quoteIdent(d, c.name)} ${TYPES[d][c.kind]}`;
}

/** CREATE TABLE for `table` at schema `version`. */
export function createTableDdl(d: Dialect, table: SpireTable, version: number): string {
  const cols = columnsAt(table, version).map((c) => columnDdl(d, c));
  // SQLite declares the single key inside the column type; the others add a PRIMARY KEY clause.
  const inType = d === 'sqlite3' && table.primaryKey.length === 1;
  const pk = inType ? '' : `, PRIMARY KEY (${table.primaryKey.map((c) => quoteIdent(d, c)).join(',')})`;
  const options = d === 'mysql' ? ` ${MYSQL_TABLE_OPTIONS}` : '';
  return `CREATE TABLE ${quoteIdent(d, table.name)} (${cols.join(',')}${pk})${options}`;
}

/** CREATE [UNIQUE] INDEX for one index of `table`. */
export function createIndexDdl(d: Dialect, table: string, index: SpireIndex): string {
  const cols = index.columns.map((c) => quoteIdent(d, c)).join(', ');
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${index.name} ON ${quoteIdent(d, table)} (${cols})`;
}

/** Every statement that creates upstream's schema at SPIRE_SCHEMA_VERSION on an empty database. */
export function spireSchemaDdl(d: Dialect, version: number): string[] {
  const out: string[] = [];
  for (const t of SPIRE_TABLES) out.push(createTableDdl(d, t, version));
  for (const t of SPIRE_TABLES) for (const i of t.indexes) out.push(createIndexDdl(d, t.name, i));
  return out;
}

/** The ALTER that adds `column` of `table` (upstream's 23→24 and 24→25 AutoMigrate steps). */
export function addColumnDdl(d: Dialect, table: string, column: SpireColumn): string {
  return `ALTER TABLE ${quoteIdent(d, table)} ADD ${columnDdl(d, column)}`;
}

/** The statements that take upstream's schema from `from` to `from + 1`. */
export function spireStepDdl(d: Dialect, from: number): string[] {
  const out: string[] = [];
  for (const t of SPIRE_TABLES) {
    for (const c of t.columns) if (c.since === from + 1) out.push(addColumnDdl(d, t.name, c));
  }
  return out;
}
