import type { Catalog, CatalogIndex, CatalogTable } from '../catalog.js';

/**
 * Parses the expected-catalog notation of the `expected-*.ts` fixtures:
 *
 *     table <name> [options <text>]
 *       <column>: <type>[ NOT NULL]
 *       primary key (<col>, ...)
 *     index <name> [unique] on <table> (<col>, ...)
 *
 * Blank lines and lines starting with `#` are ignored. Throws on a line it cannot read.
 */
export function parseCatalogFixture(text: string): Catalog {
  const out: Catalog = { tables: {}, indexes: {} };
  let table: CatalogTable | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^table (\w+)(?: options (.+))?$/))) {
      table = { columns: [], primaryKey: [] };
      if (m[2]) table.options = m[2];
      out.tables[m[1]!] = table;
    } else if ((m = line.match(/^primary key \(([^)]*)\)$/)) && table) {
      table.primaryKey = m[1]!.split(',').map((s) => s.trim());
    } else if ((m = line.match(/^index (\w+) (unique )?on (\w+) \(([^)]*)\)$/))) {
      const idx: CatalogIndex = { table: m[3]!, unique: m[2] !== undefined, columns: m[4]!.split(',').map((s) => s.trim()) };
      out.indexes[m[1]!] = idx;
    } else if ((m = line.match(/^(\w+): (.+?)( NOT NULL)?$/)) && table) {
      table.columns.push({ name: m[1]!, type: m[2]!, nullable: m[3] === undefined });
    } else {
      throw new Error(`cannot read fixture line: ${raw}`);
    }
  }
  return out;
}
