import type { SqlExecutor } from '../driver/sql-driver.js';

/** A column as the database's catalog reports it, with the type normalised per dialect. */
export interface CatalogColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/** A table as the catalog reports it. `options` is MySQL's engine, row format and charset. */
export interface CatalogTable {
  columns: CatalogColumn[];
  primaryKey: string[];
  options?: string;
}

/** A secondary index (primary keys are in CatalogTable). */
export interface CatalogIndex {
  table: string;
  unique: boolean;
  columns: string[];
  /** Set for a partial index. */
  where?: string;
}

/** The tables and indexes of one database. */
export interface Catalog {
  tables: Record<string, CatalogTable>;
  indexes: Record<string, CatalogIndex>;
}

async function sqliteCatalog(db: SqlExecutor): Promise<Catalog> {
  const out: Catalog = { tables: {}, indexes: {} };
  const tables = await db.query<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  for (const t of tables) {
    const cols = await db.query<{ name: string; type: string; notnull: number; pk: number }>(`PRAGMA table_info("${t.name}")`);
    const auto = /autoincrement/i.test(t.sql);
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    out.tables[t.name] = {
      columns: cols.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase() + (auto && c.pk > 0 ? ' autoincrement' : ''),
        nullable: Number(c.notnull) === 0 && Number(c.pk) === 0,
      })),
      primaryKey: pk.map((c) => c.name),
    };
    const idx = await db.query<{ name: string; unique: number; origin: string; partial: number }>(`PRAGMA index_list("${t.name}")`);
    for (const i of idx) {
      if (i.origin === 'pk') continue;
      const icols = await db.query<{ seqno: number; name: string }>(`PRAGMA index_info("${i.name}")`);
      const entry: CatalogIndex = { table: t.name, unique: Number(i.unique) === 1, columns: icols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name) };
      if (Number(i.partial) === 1) entry.where = 'partial';
      out.indexes[i.name] = entry;
    }
  }
  return out;
}

async function postgresCatalog(db: SqlExecutor): Promise<Catalog> {
  const out: Catalog = { tables: {}, indexes: {} };
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  for (const c of cols) {
    const t = (out.tables[c.table_name] ??= { columns: [], primaryKey: [] });
    const serial = c.data_type === 'integer' && (c.column_default ?? '').startsWith('nextval(');
    t.columns.push({ name: c.column_name, type: serial ? 'serial' : c.data_type, nullable: c.is_nullable === 'YES' });
  }
  const idx = await db.query<{ name: string; tbl: string; uniq: boolean; prim: boolean; col: string; pred: string | null }>(
    `SELECT i.relname AS name, t.relname AS tbl, ix.indisunique AS uniq, ix.indisprimary AS prim, a.attname AS col,
            pg_get_expr(ix.indpred, ix.indrelid) AS pred
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = current_schema()
      ORDER BY i.relname, k.ord`,
  );
  for (const r of idx) {
    if (r.prim) {
      out.tables[r.tbl]?.primaryKey.push(r.col);
      continue;
    }
    const entry = (out.indexes[r.name] ??= { table: r.tbl, unique: r.uniq, columns: [] });
    if (r.pred) entry.where = r.pred;
    entry.columns.push(r.col);
  }
  return out;
}

/** MySQL reports display widths (`int(10) unsigned`) on some versions; only tinyint(1) means something. */
function mysqlType(columnType: string, extra: string): string {
  const t = columnType.toLowerCase().replace(/\b(int|bigint|smallint|mediumint)\(\d+\)/g, '$1');
  return /auto_increment/i.test(extra) ? `${t} auto_increment` : t;
}

async function mysqlCatalog(db: SqlExecutor): Promise<Catalog> {
  const out: Catalog = { tables: {}, indexes: {} };
  const tables = await db.query<{ name: string; engine: string; row_format: string; collation: string }>(
    `SELECT TABLE_NAME AS name, ENGINE AS engine, ROW_FORMAT AS row_format, TABLE_COLLATION AS collation
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`,
  );
  for (const t of tables) {
    // utf8 is utf8mb3: MariaDB and MySQL 8 name its default collation either way.
    const charset = String(t.collation).replace(/^utf8mb3_/, 'utf8_').split('_')[0];
    out.tables[t.name] = { columns: [], primaryKey: [], options: `${t.engine} ${String(t.row_format).toUpperCase()} ${charset}` };
  }
  const cols = await db.query<{ tbl: string; name: string; type: string; nullable: string; extra: string }>(
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  );
  for (const c of cols) {
    out.tables[c.tbl]?.columns.push({ name: c.name, type: mysqlType(String(c.type), String(c.extra)), nullable: c.nullable === 'YES' });
  }
  const idx = await db.query<{ tbl: string; name: string; non_unique: number; col: string; sub_part: number | null }>(
    `SELECT TABLE_NAME AS tbl, INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col, SUB_PART AS sub_part
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );
  for (const r of idx) {
    const col = r.sub_part === null || r.sub_part === undefined ? r.col : `${r.col}(${r.sub_part})`;
    if (r.name === 'PRIMARY') {
      out.tables[r.tbl]?.primaryKey.push(col);
      continue;
    }
    (out.indexes[r.name] ??= { table: r.tbl, unique: Number(r.non_unique) === 0, columns: [] }).columns.push(col);
  }
  return out;
}

/** Reads the tables and indexes of the database `db` is connected to. Throws SqlFailure. */
export function readCatalog(db: SqlExecutor): Promise<Catalog> {
  switch (db.dialect) {
    case 'sqlite3':
      return sqliteCatalog(db);
    case 'postgres':
      return postgresCatalog(db);
    case 'mysql':
      return mysqlCatalog(db);
  }
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What keeps `actual` from holding upstream's schema `expected` with only the extras Go SPIRE
 * tolerates: every expected table, column (type and nullability), primary key, index and MySQL
 * table option is there unchanged; an extra column is nullable; an extra unique index covers
 * only extra columns (Go never writes them, so it can never violate it); extra tables are free.
 * Returns one line per problem; empty when it holds. Pure.
 */
export function catalogProblems(expected: Catalog, actual: Catalog): string[] {
  const problems: string[] = [];
  const extraCols = new Map<string, Set<string>>();
  for (const [name, want] of Object.entries(expected.tables)) {
    const got = actual.tables[name];
    if (!got) {
      problems.push(`table ${name} is missing`);
      continue;
    }
    const wantNames = new Set(want.columns.map((c) => c.name));
    for (const c of want.columns) {
      const g = got.columns.find((x) => x.name === c.name);
      if (!g) problems.push(`column ${name}.${c.name} is missing`);
      else if (g.type !== c.type || g.nullable !== c.nullable) {
        problems.push(`column ${name}.${c.name} is ${g.type}${g.nullable ? ' NULL' : ' NOT NULL'}, want ${c.type}${c.nullable ? ' NULL' : ' NOT NULL'}`);
      }
    }
    const extras = got.columns.filter((c) => !wantNames.has(c.name));
    extraCols.set(name, new Set(extras.map((c) => c.name)));
    for (const c of extras) if (!c.nullable) problems.push(`extra column ${name}.${c.name} must be nullable`);
    if (!same(got.primaryKey, want.primaryKey)) problems.push(`primary key of ${name} is (${got.primaryKey.join(', ')}), want (${want.primaryKey.join(', ')})`);
    if (want.options !== undefined && got.options !== want.options) problems.push(`table ${name} options are ${got.options}, want ${want.options}`);
  }
  for (const [name, want] of Object.entries(expected.indexes)) {
    const got = actual.indexes[name];
    if (!got) problems.push(`index ${name} is missing`);
    else if (got.table !== want.table || got.unique !== want.unique || !same(got.columns, want.columns) || got.where !== want.where) {
      problems.push(`index ${name} is ${describe(got)}, want ${describe(want)}`);
    }
  }
  for (const [name, got] of Object.entries(actual.indexes)) {
    if (expected.indexes[name] || !got.unique || !expected.tables[got.table]) continue;
    const extra = extraCols.get(got.table) ?? new Set();
    if (!got.columns.every((c) => extra.has(c.replace(/\(\d+\)$/, '')))) problems.push(`extra unique index ${name} covers upstream columns`);
  }
  return problems;
}

function describe(i: CatalogIndex): string {
  return `${i.unique ? 'UNIQUE ' : ''}${i.table}(${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`;
}
