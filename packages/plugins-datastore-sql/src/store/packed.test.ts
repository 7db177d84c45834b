import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlSnapshot } from '../driver/sql-driver.js';
import { selectRows, type BulkSelect } from './packed.js';

/** A snapshot that answers the packed query with `packed` and the plain one with `rows`. */
function snapshot(packed: string, count: number, rows: unknown[][], seen: string[], dialect: 'postgres' | 'sqlite3' = 'postgres'): SqlSnapshot {
  return {
    dialect,
    exclusive: false,
    queryArrays: async (sql: string) => {
      seen.push(sql);
      return /string_agg|group_concat/.test(sql) ? [[packed, String(count)]] : rows;
    },
  } as unknown as SqlSnapshot;
}

const Q: BulkSelect = { columns: ['id', 'value'], from: 'FROM t WHERE id > ?', orderBy: ['id'], limit: 3 };

test('selectRows: packed PostgreSQL rows in order are used as they are', async () => {
  const seen: string[] = [];
  const r = await selectRows(snapshot('1\x1fa\x1f2\x1fb\x1f10\x1fc', 3, [], seen), Q, [0]);
  assert.deepEqual(r, { fields: ['1', 'a', '2', 'b', '10', 'c'], width: 2, count: 3 });
  assert.equal(seen.length, 1);
  assert.match(seen[0]!, /string_agg\(q\.p, chr\(31\)\), count\(\*\) FROM \(SELECT .* ORDER BY id LIMIT 3\) q$/);
});

test('selectRows: packed rows out of order (compared as integers) are read again column by column', async () => {
  const seen: string[] = [];
  const plain = [[1, 'a'], [2, 'b'], [10, 'c']];
  const r = await selectRows(snapshot('1\x1fa\x1f10\x1fc\x1f2\x1fb', 3, plain, seen), Q, [0]);
  assert.deepEqual(r, { fields: [1, 'a', 2, 'b', 10, 'c'], width: 2, count: 3 });
  assert.equal(seen.length, 2);
  assert.equal(seen[1], 'SELECT id, value FROM t WHERE id > ? ORDER BY id LIMIT 3');
});

test('selectRows: SQLite packs in the subquery order too, and re-reads rows out of order', async () => {
  const seen: string[] = [];
  const ok = await selectRows(snapshot('1\x1fa\x1f2\x1fb', 2, [], seen, 'sqlite3'), Q, [0]);
  assert.deepEqual(ok.fields, ['1', 'a', '2', 'b']);
  assert.match(seen[0]!, /^SELECT group_concat\(q\.p, char\(31\)\), count\(\*\) FROM \(SELECT id \|\| char\(31\) \|\| value AS p FROM t WHERE id > \? ORDER BY id LIMIT 3\) q$/);
  const again = await selectRows(snapshot('2\x1fb\x1f1\x1fa', 2, [[1, 'a'], [2, 'b']], seen, 'sqlite3'), Q, [0]);
  assert.deepEqual(again.fields, [1, 'a', 2, 'b']);
});

test('selectRows: the first column must be the first order key', async () => {
  await assert.rejects(selectRows(snapshot('', 0, [], []), { ...Q, columns: ['value', 'id'] }, [0]), /first column must be the first order key/);
});
