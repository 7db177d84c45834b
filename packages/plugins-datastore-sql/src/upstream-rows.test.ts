import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DataStore } from '@spire-ts/core/plugin';
import type { SqlDriver } from './driver/sql-driver.js';
import { ProtoWriter, readFields } from './proto/wire.js';
import { GoWriter } from './testing/go-rows.js';
import { mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from './testing/targets.js';

// Rows written exactly as Go SPIRE's sqlstore writes them (GORM columns, protobuf bytes, events in
// the same transaction), by raw SQL here, must be served by this store; and rows this store writes
// must read back with upstream's encodings. The protobuf bytes are built field by field with the
// wire writer, not with the store's codecs.

const T = '2026-02-18 10:42:12';
const ROOT = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]);

async function insertGoRows(d: SqlDriver): Promise<void> {
  const go = new GoWriter(d, T);
  await go.bundle('spiffe://fed.test', {
    roots: [ROOT],
    jwtKeys: [{ pkix: new Uint8Array([9, 9]), kid: 'kid-1', notAfter: 1_900_000_000 }],
    refreshHint: 300,
    sequence: 4,
    witKeys: [{ pkix: new Uint8Array([7]), kid: 'wit-1', notAfter: 0 }],
  });
  await go.entry({
    entryId: 'go-entry',
    spiffeId: 'spiffe://td/w',
    parentId: 'spiffe://td/agent',
    selectors: [
      { type: 'unix', value: 'uid:1' },
      { type: 'unix', value: 'gid:2' },
    ],
    dnsNames: ['b.test', 'a.test'],
    federatesWith: ['spiffe://fed.test'],
    x509Ttl: 3600,
    jwtTtl: 300,
    admin: true,
    revision: 2,
    hint: 'h',
    jti: true,
  });
  await go.node({ spiffeId: 'spiffe://td/agent', dataType: 'join_token', serial: '12', expiresAt: '2033-05-18 03:33:20', agentVersion: 'v1.15.3', selectors: [{ type: 'k', value: 'v' }] });
  await go.joinToken('tok', 2_000_000_000);
  await go.federation({ trustDomain: 'fed.test', url: 'https://fed.test/bundle', profile: 'https_spiffe', endpointSpiffeId: 'spiffe://fed.test/server' });
  await go.journal(new ProtoWriter().message(1, new ProtoWriter().string(1, 'A').varint(7, 1_000).finish()).finish(), 'ski-go');
}

async function served(ds: DataStore): Promise<void> {
  const e = await ds.fetchRegistrationEntry('go-entry');
  assert.deepEqual(e, {
    entryId: 'go-entry',
    spiffeId: 'spiffe://td/w',
    parentId: 'spiffe://td/agent',
    selectors: [
      { type: 'unix', value: 'uid:1' },
      { type: 'unix', value: 'gid:2' },
    ],
    x509SvidTtl: 3600,
    jwtSvidTtl: 300,
    federatesWith: ['spiffe://fed.test'],
    dnsNames: ['b.test', 'a.test'],
    admin: true,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: 'h',
    createdAt: Date.UTC(2026, 1, 18, 10, 42, 12) / 1000,
    revisionNumber: 2,
    additionalAttributes: { disableX509SvidPrefetch: false, jwtSvidIncludeJti: true },
  });
  const listed = await ds.listRegistrationEntries({ bySelectors: { selectors: [{ type: 'unix', value: 'gid:2' }], match: 'SUPERSET' } });
  assert.deepEqual(
    listed.entries.map((x) => x.entryId),
    ['go-entry'],
  );
  const node = await ds.fetchAttestedNode('spiffe://td/agent');
  assert.equal(node?.certNotAfter, 2_000_000_000);
  assert.equal(node?.newCertNotAfter, 0);
  assert.equal(node?.agentVersion, 'v1.15.3');
  assert.deepEqual(await ds.getNodeSelectors('spiffe://td/agent'), [{ type: 'k', value: 'v' }]);
  const b = await ds.fetchBundle('spiffe://fed.test');
  assert.deepEqual(b?.rootCas, [{ derBytes: ROOT, taintedKey: false }]);
  assert.deepEqual(b?.jwtSigningKeys, [{ pkixBytes: new Uint8Array([9, 9]), kid: 'kid-1', notAfter: 1_900_000_000, taintedKey: false }]);
  assert.equal(b?.refreshHint, 300);
  assert.equal(b?.sequenceNumber, 4);
  assert.deepEqual(await ds.fetchJoinToken('tok'), { token: 'tok', expiry: 2_000_000_000 });
  const fr = await ds.fetchFederationRelationship('fed.test');
  assert.equal(fr?.endpointSpiffeId, 'spiffe://fed.test/server');
  assert.deepEqual(
    (await ds.listRegistrationEntryEvents({})).map((x) => x.entryId),
    ['go-entry'],
  );
  assert.equal((await ds.fetchCAJournal('ski-go'))?.activeX509AuthorityId, 'ski-go');
}

function suite(name: string, target: () => Promise<{ db?: TestDb } & Availability>): void {
  describe(`rows as Go SPIRE writes them (${name})`, () => {
    let db: TestDb | undefined;
    after(() => db?.drop());

    it('are served, and the similar-entry rule holds against them', async (t) => {
      const r = await target();
      if (r.fail) throw new Error(r.fail);
      if (!r.db) return t.skip(r.skip);
      db = r.db;
      await (await db.open()).close?.();
      const raw = db.driver();
      await insertGoRows(raw);
      const ds = await db.open();
      try {
        await served(ds);
        const similar = (await ds.fetchRegistrationEntry('go-entry'))!;
        await assert.rejects(
          ds.createRegistrationEntry({ ...similar, entryId: '', selectors: [...similar.selectors].reverse(), federatesWith: [] }),
          (err: Error) => /similar/i.test(err.message),
        );
        // Writes keep the WIT key (field 6) a Go server put in the bundle.
        await ds.appendBundle({ trustDomainId: 'spiffe://fed.test', rootCas: [{ derBytes: new Uint8Array([0x30, 0x00]), taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 });
        const [row] = await raw.query<{ data: Uint8Array }>("SELECT data FROM bundles WHERE trust_domain = 'spiffe://fed.test'");
        const fields = readFields(row!.data);
        assert.equal(fields.filter((f) => f.field === 6).length, 1, 'WIT key kept');
        assert.equal(fields.filter((f) => f.field === 2).length, 2, 'root appended');
        // Go-written journals (no expiry of ours) are pruned as upstream prunes them.
        await ds.pruneCAJournals(999);
        assert.ok(await ds.fetchCAJournal('ski-go'));
        await ds.pruneCAJournals(1_000);
        assert.equal(await ds.fetchCAJournal('ski-go'), undefined);
      } finally {
        await ds.close?.();
        await raw.close();
      }
    });

    it('rows this store writes read back with upstream encodings', async (t) => {
      if (!db) return t.skip('previous test did not run');
      const ds = await db.open();
      const raw = db.driver();
      try {
        const e = await ds.createRegistrationEntry({
          ...(await ds.fetchRegistrationEntry('go-entry'))!,
          entryId: 'ts-entry',
          spiffeId: 'spiffe://td/ts',
          x509SvidTtl: 77,
          admin: false,
          additionalAttributes: { disableX509SvidPrefetch: true, jwtSvidIncludeJti: false },
        });
        const [r] = await raw.query<Record<string, unknown>>('SELECT ttl, admin, jwt_svid_ttl, revision_number, additional_attributes, created_at FROM registered_entries WHERE entry_id = ?', ['ts-entry']);
        assert.equal(Number(r!.ttl), 77);
        assert.equal(Number(r!.admin), 0);
        assert.equal(Number(r!.jwt_svid_ttl), 300);
        assert.equal(Buffer.from(r!.additional_attributes as Uint8Array).toString('hex'), '0801');
        const text = String(r!.created_at).replace(' ', 'T');
        const created = r!.created_at instanceof Date ? r!.created_at.getTime() / 1000 : Date.parse(/[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`) / 1000;
        assert.equal(Math.floor(created), e.createdAt);
        const events = await raw.query<{ entry_id: string }>('SELECT entry_id FROM registered_entries_events ORDER BY id');
        assert.deepEqual(
          events.map((x) => x.entry_id),
          ['go-entry', 'ts-entry'],
        );
        const [m] = await raw.query<{ n: number }>('SELECT COUNT(*) AS n FROM migrations');
        assert.equal(Number(m!.n), 1);
      } finally {
        await ds.close?.();
        await raw.close();
      }
    });

    it('mixed access: each side sees the other\'s writes through the events tables', async (t) => {
      if (!db) return t.skip('first test did not run');
      const ds = await db.open();
      const raw = db.driver();
      try {
        const last = Math.max(...(await ds.listRegistrationEntryEvents({})).map((e) => e.eventId));
        // A Go server's create: the entry, its selector and its event in one transaction.
        await new GoWriter(raw, T).entry({ entryId: 'go-2', spiffeId: 'spiffe://td/go2', parentId: 'spiffe://td/agent', selectors: [{ type: 'unix', value: 'uid:2' }] });
        const events = await ds.listRegistrationEntryEvents({ greaterThanEventId: last });
        assert.deepEqual(
          events.map((e) => e.entryId),
          ['go-2'],
        );
        const got = await ds.fetchRegistrationEntries(['go-2']);
        assert.deepEqual(got.get('go-2')?.selectors, [{ type: 'unix', value: 'uid:2' }]);
        await ds.deleteRegistrationEntry('go-2');
        const after = await raw.query<{ id: number; entry_id: string }>('SELECT id, entry_id FROM registered_entries_events WHERE id > ? ORDER BY id', [events[0]!.eventId]);
        assert.deepEqual(
          after.map((r) => r.entry_id),
          ['go-2'],
          'our delete is an event a Go server follows',
        );
        assert.equal((await raw.query("SELECT id FROM selectors WHERE value = 'uid:2'")).length, 0, 'children deleted explicitly');
      } finally {
        await ds.close?.();
        await raw.close();
      }
    });
  });
}

suite('sqlite3', async () => ({ db: sqliteDb() }));
suite('postgres', postgresDb);
suite('mysql', mysqlDb);
