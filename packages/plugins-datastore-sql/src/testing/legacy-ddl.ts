import type { Dialect } from '../driver/sql-driver.js';

/** Column and table fragments that differ between dialects. */
interface Ddl {
  pk: string;
  /** Case-sensitive ASCII text (IDs); MySQL needs it to index long columns. */
  ascii: string;
  blob: string;
  longText: string;
  /** Table options. */
  table: string;
  /** An index column with a MySQL key-length prefix. */
  prefix: (col: string, n: number) => string;
  /** A partial-index predicate where the dialect has them (MySQL indexes every row instead). */
  where: (predicate: string) => string;
}

function ddl(d: Dialect): Ddl {
  switch (d) {
    case 'sqlite3':
      return { pk: 'id INTEGER PRIMARY KEY AUTOINCREMENT', ascii: '', blob: 'BLOB', longText: 'TEXT', table: '', prefix: (c) => c, where: (p) => ` WHERE ${p}` };
    case 'postgres':
      return { pk: 'id BIGSERIAL PRIMARY KEY', ascii: '', blob: 'BYTEA', longText: 'TEXT', table: '', prefix: (c) => c, where: (p) => ` WHERE ${p}` };
    case 'mysql':
      return {
        pk: 'id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY',
        ascii: ' CHARACTER SET ascii COLLATE ascii_bin',
        blob: 'LONGBLOB',
        longText: 'LONGTEXT',
        table: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
        prefix: (c, n) => `${c}(${n})`,
        where: () => '',
      };
  }
}

/** Version 1: every table of the old store. */
function v1(dialect: Dialect): string[] {
  const x = ddl(dialect);
  return [
    `CREATE TABLE registered_entries (
      ${x.pk},
      entry_id VARCHAR(255)${x.ascii} NOT NULL,
      spiffe_id VARCHAR(2048)${x.ascii} NOT NULL,
      parent_id VARCHAR(2048)${x.ascii} NOT NULL,
      ttl INTEGER NOT NULL DEFAULT 0,
      x509_svid_ttl INTEGER NOT NULL DEFAULT 0,
      jwt_svid_ttl INTEGER NOT NULL DEFAULT 0,
      admin SMALLINT NOT NULL DEFAULT 0,
      downstream SMALLINT NOT NULL DEFAULT 0,
      expiry BIGINT NOT NULL DEFAULT 0,
      store_svid SMALLINT NOT NULL DEFAULT 0,
      hint VARCHAR(1024) NOT NULL DEFAULT '',
      disable_x509_svid_prefetch SMALLINT NOT NULL DEFAULT 0,
      jwt_svid_include_jti SMALLINT NOT NULL DEFAULT 0,
      has_additional_attributes SMALLINT NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL,
      revision_number BIGINT NOT NULL DEFAULT 0,
      similarity_key CHAR(32)${x.ascii} NOT NULL
    )${x.table}`,
    'CREATE UNIQUE INDEX uix_entries_entry_id ON registered_entries (entry_id)',
    // The similar-entry rule (same spiffe_id, parent_id and selector set), enforced by the database
    // itself so that two concurrent writers cannot both get past it.
    'CREATE UNIQUE INDEX uix_entries_similarity ON registered_entries (similarity_key)',
    'CREATE INDEX idx_entries_spiffe_id ON registered_entries (spiffe_id)',
    'CREATE INDEX idx_entries_parent_id ON registered_entries (parent_id)',
    // Most entries have no hint and never expire: partial indexes keep those rows out.
    `CREATE INDEX idx_entries_hint ON registered_entries (${x.prefix('hint', 512)})${x.where("hint <> ''")}`,
    `CREATE INDEX idx_entries_expiry ON registered_entries (expiry)${x.where('expiry <> 0')}`,

    `CREATE TABLE selectors (
      ${x.pk},
      registered_entry_id BIGINT NOT NULL,
      type VARCHAR(255) NOT NULL,
      value VARCHAR(1024) NOT NULL,
      FOREIGN KEY (registered_entry_id) REFERENCES registered_entries(id) ON DELETE CASCADE
    )${x.table}`,
    'CREATE INDEX idx_selectors_entry ON selectors (registered_entry_id)',
    `CREATE INDEX idx_selectors_type_value ON selectors (type, ${x.prefix('value', 500)})`,

    `CREATE TABLE dns_names (
      ${x.pk},
      registered_entry_id BIGINT NOT NULL,
      value VARCHAR(255) NOT NULL,
      FOREIGN KEY (registered_entry_id) REFERENCES registered_entries(id) ON DELETE CASCADE
    )${x.table}`,
    'CREATE INDEX idx_dns_names_entry ON dns_names (registered_entry_id)',

    `CREATE TABLE bundles (
      ${x.pk},
      trust_domain VARCHAR(255)${x.ascii} NOT NULL,
      data ${x.longText} NOT NULL,
      created_at BIGINT NOT NULL
    )${x.table}`,
    'CREATE UNIQUE INDEX uix_bundles_trust_domain ON bundles (trust_domain)',

    `CREATE TABLE federated_registration_entries (
      registered_entry_id BIGINT NOT NULL,
      bundle_id BIGINT NOT NULL,
      PRIMARY KEY (registered_entry_id, bundle_id),
      FOREIGN KEY (registered_entry_id) REFERENCES registered_entries(id) ON DELETE CASCADE,
      FOREIGN KEY (bundle_id) REFERENCES bundles(id) ON DELETE CASCADE
    )${x.table}`,
    'CREATE INDEX idx_federated_bundle ON federated_registration_entries (bundle_id)',

    `CREATE TABLE attested_node_entries (
      ${x.pk},
      spiffe_id VARCHAR(2048)${x.ascii} NOT NULL,
      data_type VARCHAR(255) NOT NULL DEFAULT '',
      serial_number VARCHAR(255) NOT NULL DEFAULT '',
      expires_at BIGINT NOT NULL DEFAULT 0,
      new_serial_number VARCHAR(255) NOT NULL DEFAULT '',
      new_expires_at BIGINT NOT NULL DEFAULT 0,
      can_reattest SMALLINT NOT NULL DEFAULT 0,
      agent_version VARCHAR(255) NOT NULL DEFAULT '',
      created_at BIGINT NOT NULL
    )${x.table}`,
    'CREATE UNIQUE INDEX uix_nodes_spiffe_id ON attested_node_entries (spiffe_id)',
    'CREATE INDEX idx_nodes_expires_at ON attested_node_entries (expires_at)',

    `CREATE TABLE node_resolver_map_entries (
      ${x.pk},
      spiffe_id VARCHAR(2048)${x.ascii} NOT NULL,
      type VARCHAR(255) NOT NULL,
      value VARCHAR(1024) NOT NULL
    )${x.table}`,
    'CREATE INDEX idx_node_selectors_spiffe_id ON node_resolver_map_entries (spiffe_id)',
    `CREATE INDEX idx_node_selectors_type_value ON node_resolver_map_entries (type, ${x.prefix('value', 500)})`,

    `CREATE TABLE join_tokens (
      ${x.pk},
      token VARCHAR(255) NOT NULL,
      expiry BIGINT NOT NULL
    )${x.table}`,
    'CREATE UNIQUE INDEX uix_join_tokens_token ON join_tokens (token)',
    'CREATE INDEX idx_join_tokens_expiry ON join_tokens (expiry)',

    `CREATE TABLE federated_trust_domains (
      ${x.pk},
      trust_domain VARCHAR(255)${x.ascii} NOT NULL,
      bundle_endpoint_url VARCHAR(2048) NOT NULL,
      bundle_endpoint_profile VARCHAR(32) NOT NULL,
      endpoint_spiffe_id VARCHAR(2048)${x.ascii} NOT NULL DEFAULT '',
      created_at BIGINT NOT NULL
    )${x.table}`,
    'CREATE UNIQUE INDEX uix_federated_trust_domains ON federated_trust_domains (trust_domain)',

    `CREATE TABLE ca_journals (
      ${x.pk},
      data ${x.blob} NOT NULL,
      active_x509_authority_id VARCHAR(255)${x.ascii} NOT NULL DEFAULT '',
      expires_at BIGINT NOT NULL DEFAULT 0
    )${x.table}`,
    'CREATE INDEX idx_ca_journals_active_x509 ON ca_journals (active_x509_authority_id)',

    // Event tables stay small (pruned by age), so pruning scans them instead of keeping a
    // created_at index up to date on every write.
    `CREATE TABLE registered_entries_events (
      ${x.pk},
      entry_id VARCHAR(255)${x.ascii} NOT NULL,
      created_at BIGINT NOT NULL
    )${x.table}`,

    `CREATE TABLE attested_node_entries_events (
      ${x.pk},
      spiffe_id VARCHAR(2048)${x.ascii} NOT NULL,
      created_at BIGINT NOT NULL
    )${x.table}`,
  ];
}

/**
 * The statements of this server's pre-SPIRE schema (spire_ts_schema version 1), as the server
 * wrote it before issue 17; tests build such a database to check its conversion.
 */
export function legacyDdl(d: Dialect): string[] {
  return [
    ...v1(d),
    `CREATE TABLE spire_ts_schema (version INTEGER NOT NULL, code_version VARCHAR(64) NOT NULL, applied_at BIGINT NOT NULL)${ddl(d).table}`,
    "INSERT INTO spire_ts_schema (version, code_version, applied_at) VALUES (1, 'spire-ts-0.1.0', 0)",
  ];
}
