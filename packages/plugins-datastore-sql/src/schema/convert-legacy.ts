import type { Bundle } from '@spire-ts/core/plugin';
import type { Dialect, Row, SqlExecutor } from '../driver/sql-driver.js';
import { encodeAdditionalAttributes, encodeBundleProto } from '../proto/spire-messages.js';
import { b, dbTime, dbTimeMs } from '../store/sql-util.js';
import { freshSchemaDdl } from './migrations.js';

// Converts a database in this server's pre-SPIRE schema (spire_ts_schema version 1, before issue
// 17) to SPIRE's schema in place: the old tables are renamed aside, SPIRE's are created, every row
// is copied with SPIRE's encodings (keeping row ids, so events and pages stay valid), and the old
// tables are dropped. Runs in the caller's migration transaction (MySQL commits DDL as it goes).

/** Old tables, children before parents (the order they are dropped in). */
const OLD_TABLES = [
  'federated_registration_entries',
  'selectors',
  'dns_names',
  'registered_entries',
  'bundles',
  'node_resolver_map_entries',
  'attested_node_entries',
  'join_tokens',
  'federated_trust_domains',
  'ca_journals',
  'registered_entries_events',
  'attested_node_entries_events',
];

/** Old index names that upstream's schema reuses (index names are per schema on SQLite and PostgreSQL). */
const CLASHING_INDEXES = ['idx_selectors_type_value', 'uix_bundles_trust_domain', 'uix_join_tokens_token'];

const PAGE = 5000;

interface OldBundle {
  td: string;
  roots: { der: string; tainted: boolean }[];
  keys: { pkix: string; kid: string; notAfter: number; tainted: boolean }[];
  refreshHint: number;
  seq: number;
}

function bundleOf(json: string): Bundle {
  const s = JSON.parse(json) as OldBundle;
  return {
    trustDomainId: s.td,
    rootCas: s.roots.map((r) => ({ derBytes: new Uint8Array(Buffer.from(r.der, 'base64')), taintedKey: r.tainted })),
    jwtSigningKeys: s.keys.map((k) => ({ pkixBytes: new Uint8Array(Buffer.from(k.pkix, 'base64')), kid: k.kid, notAfter: k.notAfter, taintedKey: k.tainted })),
    refreshHint: s.refreshHint,
    sequenceNumber: s.seq,
  };
}

/** Copies `legacy_<table>` into `table` page by page (by id), each old row mapped to new columns. */
async function copy(tx: SqlExecutor, table: string, columns: string[], map: (r: Row) => unknown[], onPage?: (rows: Row[]) => Promise<void>): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = await tx.query(`SELECT * FROM legacy_${table} WHERE id > ? ORDER BY id LIMIT ${PAGE}`, [after]);
    if (rows.length === 0) return;
    await tx.insertMany(table, ['id', ...columns], rows.map((r) => [Number(r.id), ...map(r)]));
    if (onPage) await onPage(rows);
    after = Number(rows[rows.length - 1]!.id);
  }
}

const on = (v: unknown): boolean => Number(v) === 1;

async function copyEntries(tx: SqlExecutor): Promise<void> {
  const d: Dialect = tx.dialect;
  const now = dbTimeMs(d, Date.now());
  const cols = ['created_at', 'updated_at', 'entry_id', 'spiffe_id', 'parent_id', 'ttl', 'admin', 'downstream', 'expiry', 'revision_number', 'store_svid', 'hint', 'jwt_svid_ttl', 'additional_attributes', 'similarity_key', 'similarity_revision'];
  await copy(
    tx,
    'registered_entries',
    cols,
    (r) => [
      dbTime(d, Number(r.created_at)),
      now,
      r.entry_id,
      r.spiffe_id,
      r.parent_id,
      Number(r.x509_svid_ttl) || Number(r.ttl),
      b(d, on(r.admin)),
      b(d, on(r.downstream)),
      Number(r.expiry),
      Number(r.revision_number),
      b(d, on(r.store_svid)),
      r.hint,
      Number(r.jwt_svid_ttl),
      on(r.has_additional_attributes)
        ? encodeAdditionalAttributes({ disableX509SvidPrefetch: on(r.disable_x509_svid_prefetch), jwtSvidIncludeJti: on(r.jwt_svid_include_jti) })
        : null,
      r.similarity_key,
      Number(r.revision_number),
    ],
    async (rows) => {
      const lo = Number(rows[0]!.id) - 1;
      const hi = Number(rows[rows.length - 1]!.id);
      const range = 'registered_entry_id > ? AND registered_entry_id <= ?';
      const sels = await tx.query(`SELECT id, registered_entry_id, type, value FROM legacy_selectors WHERE ${range}`, [lo, hi]);
      if (sels.length > 0) {
        await tx.insertMany('selectors', ['id', 'created_at', 'updated_at', 'registered_entry_id', 'type', 'value'], sels.map((s) => [Number(s.id), now, now, Number(s.registered_entry_id), s.type, s.value]));
      }
      const dns = await tx.query(`SELECT id, registered_entry_id, value FROM legacy_dns_names WHERE ${range}`, [lo, hi]);
      if (dns.length > 0) await tx.insertMany('dns_names', ['id', 'created_at', 'updated_at', 'registered_entry_id', 'value'], dns.map((s) => [Number(s.id), now, now, Number(s.registered_entry_id), s.value]));
      const fed = await tx.query(`SELECT bundle_id, registered_entry_id FROM legacy_federated_registration_entries WHERE ${range}`, [lo, hi]);
      if (fed.length > 0) await tx.insertMany('federated_registration_entries', ['bundle_id', 'registered_entry_id'], fed.map((f) => [Number(f.bundle_id), Number(f.registered_entry_id)]));
    },
  );
}

async function copyRest(tx: SqlExecutor): Promise<void> {
  const d = tx.dialect;
  const now = dbTimeMs(d, Date.now());
  const at = (sec: unknown): string => dbTime(d, Number(sec));
  await copy(tx, 'bundles', ['created_at', 'updated_at', 'trust_domain', 'data'], (r) => [at(r.created_at), now, r.trust_domain, encodeBundleProto(bundleOf(String(r.data)))]);
  await copy(
    tx,
    'attested_node_entries',
    ['created_at', 'updated_at', 'spiffe_id', 'data_type', 'serial_number', 'expires_at', 'new_serial_number', 'new_expires_at', 'can_reattest', 'agent_version'],
    (r) => [at(r.created_at), now, r.spiffe_id, r.data_type, r.serial_number, at(r.expires_at), r.new_serial_number, Number(r.new_expires_at) === 0 ? null : at(r.new_expires_at), b(d, on(r.can_reattest)), r.agent_version],
  );
  await copy(tx, 'node_resolver_map_entries', ['created_at', 'updated_at', 'spiffe_id', 'type', 'value'], (r) => [now, now, r.spiffe_id, r.type, r.value]);
  await copy(tx, 'join_tokens', ['created_at', 'updated_at', 'token', 'expiry'], (r) => [now, now, r.token, Number(r.expiry)]);
  await copy(
    tx,
    'federated_trust_domains',
    ['created_at', 'updated_at', 'trust_domain', 'bundle_endpoint_url', 'bundle_endpoint_profile', 'endpoint_spiffe_id', 'implicit'],
    (r) => [at(r.created_at), now, r.trust_domain, r.bundle_endpoint_url, r.bundle_endpoint_profile, r.endpoint_spiffe_id, b(d, false)],
  );
  await copy(tx, 'ca_journals', ['created_at', 'updated_at', 'data', 'active_x509_authority_id', 'active_jwt_authority_id', 'expires_at_unix'], (r) => [
    now,
    now,
    r.data,
    r.active_x509_authority_id,
    '',
    Number(r.expires_at) || null,
  ]);
  await copy(tx, 'registered_entries_events', ['created_at', 'updated_at', 'entry_id'], (r) => [dbTimeMs(d, Number(r.created_at)), now, r.entry_id]);
  await copy(tx, 'attested_node_entries_events', ['created_at', 'updated_at', 'spiffe_id'], (r) => [dbTimeMs(d, Number(r.created_at)), now, r.spiffe_id]);
}

/** Converts the old schema; the caller writes the `migrations` row afterwards. */
export async function convertLegacySchema(tx: SqlExecutor): Promise<void> {
  const d = tx.dialect;
  for (const t of OLD_TABLES) await tx.exec(`ALTER TABLE ${t} RENAME TO legacy_${t}`);
  if (d !== 'mysql') for (const i of CLASHING_INDEXES) await tx.exec(`DROP INDEX ${i}`);
  for (const s of freshSchemaDdl(d)) await tx.exec(s);
  await copyEntries(tx);
  await copyRest(tx);
  for (const t of OLD_TABLES) await tx.exec(`DROP TABLE legacy_${t}`);
  await tx.exec('DROP TABLE spire_ts_schema');
  if (d === 'postgres') {
    // Rows were copied with their ids: move each serial past them.
    for (const t of OLD_TABLES.filter((x) => x !== 'federated_registration_entries')) {
      await tx.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), COALESCE((SELECT MAX(id) FROM ${t}), 0) + 1, false)`);
    }
  }
}

