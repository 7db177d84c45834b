import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Dialect } from '../driver/sql-driver.js';
import { legacyDdl } from '../testing/legacy-ddl.js';
import { mysqlDb, postgresDb, sqliteDb, type Availability, type TestDb } from '../testing/targets.js';
import { similarityKey } from '../store/validate.js';
import { catalogProblems, readCatalog, type Catalog } from './catalog.js';
import { EXPECTED_MYSQL } from './spire-ddl/expected-mysql.js';
import { EXPECTED_POSTGRES } from './spire-ddl/expected-postgres.js';
import { EXPECTED_SQLITE3 } from './spire-ddl/expected-sqlite3.js';

const EXPECTED: Record<Dialect, Catalog> = { sqlite3: EXPECTED_SQLITE3, postgres: EXPECTED_POSTGRES, mysql: EXPECTED_MYSQL };

const OLD_BUNDLE = JSON.stringify({ td: 'spiffe://fed.test', roots: [{ der: Buffer.from([0x30, 0]).toString('base64'), tainted: true }], keys: [], refreshHint: 60, seq: 3 });
const SELS = [
  { type: 'unix', value: 'uid:1' },
  { type: 'unix', value: 'gid:2' },
];

/** A database in the old schema with one of each record, as the old store wrote them. */
async function legacyDb(db: TestDb): Promise<void> {
  const d = db.driver();
  try {
    for (const s of legacyDdl(d.dialect)) await d.exec(s);
    await d.exec('INSERT INTO bundles (id, trust_domain, data, created_at) VALUES (4, ?, ?, 1700000000)', ['spiffe://fed.test', OLD_BUNDLE]);
    await d.exec(
      'INSERT INTO registered_entries (id, entry_id, spiffe_id, parent_id, ttl, x509_svid_ttl, jwt_svid_ttl, admin, downstream, expiry, store_svid, hint, ' +
        'disable_x509_svid_prefetch, jwt_svid_include_jti, has_additional_attributes, created_at, revision_number, similarity_key) VALUES (7, ?, ?, ?, 0, 600, 60, 1, 0, 0, 0, ?, 1, 0, 1, 1700000000, 3, ?)',
      ['old-entry', 'spiffe://td/w', 'spiffe://td/agent', 'h', similarityKey('spiffe://td/w', 'spiffe://td/agent', SELS)],
    );
    for (const s of SELS) await d.exec('INSERT INTO selectors (registered_entry_id, type, value) VALUES (7, ?, ?)', [s.type, s.value]);
    await d.exec("INSERT INTO dns_names (registered_entry_id, value) VALUES (7, 'z.test'), (7, 'a.test')");
    await d.exec('INSERT INTO federated_registration_entries (registered_entry_id, bundle_id) VALUES (7, 4)');
    await d.exec(
      "INSERT INTO attested_node_entries (spiffe_id, data_type, serial_number, expires_at, new_serial_number, new_expires_at, can_reattest, agent_version, created_at) VALUES ('spiffe://td/agent', 'x', '1', 2000000000, '', 0, 1, 'v', 1700000000)",
    );
    await d.exec("INSERT INTO node_resolver_map_entries (spiffe_id, type, value) VALUES ('spiffe://td/agent', 'k', 'v')");
    await d.exec("INSERT INTO join_tokens (token, expiry) VALUES ('tok', 2000000000)");
    await d.exec(
      "INSERT INTO federated_trust_domains (trust_domain, bundle_endpoint_url, bundle_endpoint_profile, endpoint_spiffe_id, created_at) VALUES ('fed.test', 'https://fed.test/b', 'https_web', '', 1700000000)",
    );
    await d.exec("INSERT INTO ca_journals (data, active_x509_authority_id, expires_at) VALUES (?, 'ski', 1900000000)", [Buffer.from([1, 2])]);
    await d.exec("INSERT INTO registered_entries_events (id, entry_id, created_at) VALUES (41, 'old-entry', 1700000000000)");
  } finally {
    await d.close();
  }
}

function suite(name: string, target: () => Promise<{ db?: TestDb } & Availability>): void {
  describe(`converting this server's pre-SPIRE schema (${name})`, () => {
    let db: TestDb | undefined;
    after(() => db?.drop());
    it('moves every record onto SPIRE\'s schema, keeping ids, and the store goes on from there', async (t) => {
      const r = await target();
      if (r.fail) throw new Error(r.fail);
      if (!r.db) return t.skip(r.skip);
      db = r.db;
      await legacyDb(db);
      const ds = await db.open();
      try {
        const e = await ds.fetchRegistrationEntry('old-entry');
        assert.deepEqual(e?.selectors, SELS);
        assert.deepEqual(e?.dnsNames, ['z.test', 'a.test']);
        assert.deepEqual(e?.federatesWith, ['spiffe://fed.test']);
        assert.equal(e?.x509SvidTtl, 600);
        assert.equal(e?.admin, true);
        assert.equal(e?.createdAt, 1700000000);
        assert.equal(e?.revisionNumber, 3);
        assert.deepEqual(e?.additionalAttributes, { disableX509SvidPrefetch: true, jwtSvidIncludeJti: false });
        const b = await ds.fetchBundle('spiffe://fed.test');
        assert.deepEqual(b, { trustDomainId: 'spiffe://fed.test', rootCas: [{ derBytes: new Uint8Array([0x30, 0]), taintedKey: true }], jwtSigningKeys: [], refreshHint: 60, sequenceNumber: 3 });
        const n = await ds.fetchAttestedNode('spiffe://td/agent');
        assert.equal(n?.certNotAfter, 2000000000);
        assert.equal(n?.newCertNotAfter, 0);
        assert.deepEqual(n?.selectors, [{ type: 'k', value: 'v' }]);
        assert.deepEqual(await ds.fetchJoinToken('tok'), { token: 'tok', expiry: 2000000000 });
        assert.equal((await ds.fetchFederationRelationship('fed.test'))?.bundleEndpointUrl, 'https://fed.test/b');
        assert.equal((await ds.fetchCAJournal('ski'))?.expiresAt, 1900000000);
        assert.deepEqual(await ds.listRegistrationEntryEvents({}), [{ eventId: 41, entryId: 'old-entry' }]);
        await assert.rejects(ds.createRegistrationEntry({ ...e!, entryId: '', selectors: [...SELS].reverse(), federatesWith: [] }), /similar/i);
        await ds.createRegistrationEntry({ ...e!, entryId: 'new-entry', spiffeId: 'spiffe://td/new', federatesWith: [] });
        const events = await ds.listRegistrationEntryEvents({});
        assert.ok(events[1]!.eventId > 41, 'ids continue after the copied rows');
      } finally {
        await ds.close?.();
      }
      const d = db.driver();
      try {
        const cat = await readCatalog(d);
        assert.deepEqual(catalogProblems(EXPECTED[d.dialect], cat), []);
        assert.deepEqual(
          Object.keys(cat.tables).filter((x) => x.startsWith('legacy_') || x === 'spire_ts_schema'),
          [],
        );
      } finally {
        await d.close();
      }
    });
  });
}

suite('sqlite3', async () => ({ db: sqliteDb() }));
suite('postgres', postgresDb);
suite('mysql', mysqlDb);
