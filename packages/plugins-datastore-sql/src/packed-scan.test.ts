import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DataStore, Logger, RegistrationEntry } from '@spire-ts/core/plugin';
import { openSqlStore } from './open.js';
import { mustParse, mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from './testing/targets.js';

function sqlLogger(statements: string[]): Logger {
  const log = {
    info: (fields: Record<string, unknown>, msg: string) => {
      if (msg === 'SQL statement') statements.push(String(fields.sql));
    },
    debug: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => log,
  };
  return log as unknown as Logger;
}

function entry(n: number, hint: string): RegistrationEntry {
  return {
    entryId: `packed-${n}-${Math.random().toString(36).slice(2)}`,
    spiffeId: `spiffe://example.org/packed/${n}`,
    parentId: 'spiffe://example.org/spire/agent/packed',
    selectors: [{ type: 'unix', value: `uid:${n}` }],
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint,
    createdAt: 0,
    revisionNumber: 0,
  };
}

/** The entry-row reads of one scan: packed (one text value per row or batch) or column by column. */
async function entryReads(ds: DataStore, statements: string[]): Promise<{ packed: number; columns: number; hints: string[] }> {
  statements.length = 0;
  const hints: string[] = [];
  for await (const batch of ds.scanRegistrationEntries({ batchSize: 2 })) hints.push(...batch.map((e) => e.hint));
  const reads = statements.filter((s) => s.includes('FROM registered_entries E WHERE E.id >'));
  return { packed: reads.filter((s) => /char\(31\)|chr\(31\)|CHAR\(31/.test(s)).length, columns: reads.filter((s) => s.startsWith('SELECT E.id, E.entry_id')).length, hints };
}

async function check(t: { skip: (m?: string) => void }, target: { db?: TestDb } & Availability): Promise<void> {
  if (target.fail) throw new Error(target.fail);
  if (!target.db) {
    t.skip(target.skip);
    return;
  }
  const db = target.db;
  after(() => db.drop());
  const statements: string[] = [];
  const ds = await openSqlStore(mustParse({ ...db.pluginData, log_sql: true }), sqlLogger(statements));
  try {
    for (const r of await ds.createRegistrationEntries([entry(1, 'one'), entry(2, 'two'), entry(3, 'three')])) assert.ok(r.ok);
    const clean = await entryReads(ds, statements);
    assert.deepEqual(clean.hints, ['one', 'two', 'three']);
    assert.equal(clean.columns, 0, 'values without separators are read packed only');
    assert.equal(clean.packed, 2, 'one packed read per batch');

    // A hint holding the separator makes its batch (and only it) fall back to column reads.
    for (const r of await ds.createRegistrationEntries([entry(4, 'four\x1ffive')])) assert.ok(r.ok);
    const odd = await entryReads(ds, statements);
    assert.deepEqual(odd.hints, ['one', 'two', 'three', 'four\x1ffive']);
    assert.equal(odd.packed, 3, 'two full batches, then an empty read');
    assert.equal(odd.columns, 1, 'the batch with the separator is read again column by column');
  } finally {
    await ds.close();
  }
}

describe('packed scans', () => {
  it('SQLite: reads packed, and column by column where a value holds the separator', (t) => check(t, { db: sqliteDb() }));
  it('PostgreSQL: the same', async (t) => check(t, await postgresDb()));
  it('MySQL: the same', async (t) => check(t, await mysqlDb()));
});
