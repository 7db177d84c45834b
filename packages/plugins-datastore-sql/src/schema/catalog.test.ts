import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogProblems, type Catalog } from './catalog.js';
import { parseCatalogFixture } from './spire-ddl/fixture.js';

const WANT = parseCatalogFixture(`
table t
  id: integer autoincrement NOT NULL
  name: varchar(255)
  primary key (id)
index uix_t_name unique on t (name)
`);

function withExtras(extra: (c: Catalog) => void): Catalog {
  const c = structuredClone(WANT);
  extra(c);
  return c;
}

describe('catalogProblems', () => {
  it('accepts extras Go SPIRE tolerates: nullable columns, unique indexes on them, any table', () => {
    const got = withExtras((c) => {
      c.tables.t!.columns.push({ name: 'key', type: 'char(32)', nullable: true });
      c.indexes.uix_t_key = { table: 't', unique: true, columns: ['key'] };
      c.indexes.idx_t_name_id = { table: 't', unique: false, columns: ['name', 'id'] };
      c.tables.other = { columns: [{ name: 'x', type: 'integer', nullable: false }], primaryKey: [] };
    });
    assert.deepEqual(catalogProblems(WANT, got), []);
  });

  it('names every difference Go SPIRE would trip on', () => {
    const got = withExtras((c) => {
      c.tables.t!.columns[1] = { name: 'name', type: 'text', nullable: false };
      c.tables.t!.columns.push({ name: 'must', type: 'integer', nullable: false });
      c.indexes.uix_t_name = { table: 't', unique: false, columns: ['name'] };
      c.indexes.uix_t_extra = { table: 't', unique: true, columns: ['name', 'must'] };
    });
    assert.deepEqual(catalogProblems(WANT, got), [
      'column t.name is text NOT NULL, want varchar(255) NULL',
      'extra column t.must must be nullable',
      'index uix_t_name is t(name), want UNIQUE t(name)',
      'extra unique index uix_t_extra covers upstream columns',
    ]);
    assert.deepEqual(catalogProblems(WANT, { tables: {}, indexes: {} }), ['table t is missing', 'index uix_t_name is missing']);
  });
});
