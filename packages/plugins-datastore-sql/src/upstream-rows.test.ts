import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { DataStore } from '@spire-ts/core/plugin';
import type { Dialect, SqlDriver } from './driver/sql-driver.js';
import { ProtoWriter, readFields } from './proto/wire.js';
import { mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from './testing/targets.js';

// Rows written exactly as Go SPIRE's sqlstore writes them (GORM columns, protobuf bytes, events in
// the same transaction), by raw SQL here, must be served by this store; and rows this store writes
// must read back with upstream's encodings. The protobuf bytes are built field by field with the
// wire writer, not with the store's codecs.

/** A GORM time literal as Go SPIRE's driver writes it on each dialect. */
function goTime(d: Dialect, iso: string): string {
  return d === 'mysql' ? iso : `${iso}+00:00`;
}

function goBool(d: Dialect, v: boolean): boolean | number {
  return d === 'postgres' ? v : v ? 1 : 0;
}

const T = '2026-02-18 10:42:12';
const ROOT = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]);

function bundleBytes(td: string): Buffer {
  const key = new ProtoWriter().bytes(1, new Uint8Array([9, 9])).string(2, 'kid-1').varint(3, 1_900_000_000).finish();
  const wit = new ProtoWriter().bytes(1, new Uint8Array([7])).string(2, 'wit-1').finish();
  return new ProtoWriter().string(1, td).message(2, new ProtoWriter().bytes(1, ROOT).finish()).message(3, key).varint(4, 300).varint(5, 4).message(6, wit).finish();
}

async function insertGoRows(d: SqlDriver): Promise<void> {
  const x = d.dialect;
  const t = goTime(x, T);
  const ins = (table: string, cols: string[], vals: unknown[]): Promise<number> =>
    d.exec(`INSERT INTO ${table} (created_at, updated_at, ${cols.join(', ')}) VALUES (?, ?, ${cols.map(() => '?').join(', ')})`, [t, t, ...vals]);
  await ins('bundles', ['trust_domain', 'data'], ['spiffe://fed.test', bundleBytes('spiffe://fed.test')]);
  await ins(
    'registered_entries',
    ['entry_id', 'spiffe_id', 'parent_id', 'ttl', 'admin', 'downstream', 'expiry', 'revision_number', 'store_svid', 'hint', 'jwt_svid_ttl', 'additional_attributes'],
    ['go-entry', 'spiffe://td/w', 'spiffe://td/agent', 3600, goBool(x, true), goBool(x, false), 0, 2, goBool(x, false), 'h', 300, new ProtoWriter().varint(2, true).finish()],
  );
  const [{ id }] = (await d.query<{ id: number }>("SELECT id FROM registered_entries WHERE entry_id = 'go-entry'")) as [{ id: number }];
  await ins('selectors', ['registered_entry_id', 'type', 'value'], [id, 'unix', 'uid:1']);
  await ins('selectors', ['registered_entry_id', 'type', 'value'], [id, 'unix', 'gid:2']);
  await ins('dns_names', ['registered_entry_id', 'value'], [id, 'b.test']);
  await ins('dns_names', ['registered_entry_id', 'value'], [id, 'a.test']);
  await d.exec('INSERT INTO federated_registration_entries (bundle_id, registered_entry_id) VALUES ((SELECT id FROM bundles WHERE trust_domain = ?), ?)', ['spiffe://fed.test', id]);
  await ins('registered_entries_events', ['entry_id'], ['go-entry']);
  await ins(
    'attested_node_entries',
    ['spiffe_id', 'data_type', 'serial_number', 'expires_at', 'new_serial_number', 'new_expires_at', 'can_reattest', 'agent_version'],
    ['spiffe://td/agent', 'join_token', '12', goTime(x, '2033-05-18 03:33:20'), '', null, goBool(x, false), 'v1.15.3'],
  );
  await ins('node_resolver_map_entries', ['spiffe_id', 'type', 'value'], ['spiffe://td/agent', 'k', 'v']);
  await ins('attested_node_entries_events', ['spiffe_id'], ['spiffe://td/agent']);
  await ins('join_tokens', ['token', 'expiry'], ['tok', 2_000_000_000]);
  await ins('federated_trust_domains', ['trust_domain', 'bundle_endpoint_url', 'bundle_endpoint_profile', 'endpoint_spiffe_id', 'implicit'], [
    'fed.test',
    'https://fed.test/bundle',
    'https_spiffe',
    'spiffe://fed.test/server',
    goBool(x, false),
  ]);
  const journal = new ProtoWriter().message(1, new ProtoWriter().string(1, 'A').varint(7, 1_000).finish()).finish();
  await ins('ca_journals', ['data', 'active_x509_authority_id', 'active_jwt_authority_id'], [journal, 'ski-go', '']);
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
        await raw.transaction(async (tx) => {
          const x = tx.dialect;
          const t0 = goTime(x, T);
          await tx.exec(
            'INSERT INTO registered_entries (created_at, updated_at, entry_id, spiffe_id, parent_id, ttl, admin, downstream, expiry, revision_number, store_svid, hint, jwt_svid_ttl) ' +
              "VALUES (?, ?, 'go-2', 'spiffe://td/go2', 'spiffe://td/agent', 0, ?, ?, 0, 0, ?, '', 0)",
            [t0, t0, goBool(x, false), goBool(x, false), goBool(x, false)],
          );
          const [{ id }] = (await tx.query<{ id: number }>("SELECT id FROM registered_entries WHERE entry_id = 'go-2'")) as [{ id: number }];
          await tx.exec("INSERT INTO selectors (created_at, updated_at, registered_entry_id, type, value) VALUES (?, ?, ?, 'unix', 'uid:2')", [t0, t0, id]);
          await tx.exec("INSERT INTO registered_entries_events (created_at, updated_at, entry_id) VALUES (?, ?, 'go-2')", [t0, t0]);
        });
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
