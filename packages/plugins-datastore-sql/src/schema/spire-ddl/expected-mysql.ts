import { parseCatalogFixture } from './fixture.js';

/**
 * Upstream SPIRE's schema 25 on MySQL/MariaDB, as information_schema reports it (display widths
 * dropped, `auto_increment` from EXTRA, options = engine, row format, charset).
 *
 * How derived: the tables, columns and index names of the SQLite fixture (upstream's own dump),
 * with GORM v1.9.16's MySQL types: the `uint` primary key → `int unsigned AUTO_INCREMENT`,
 * time.Time → `DATETIME NULL`, string → `varchar(255)`, bool → `boolean` (tinyint(1)), int/int32
 * → `int`, uint → `int unsigned`, int64 → `bigint`, []byte `size:16777215` → `mediumblob`,
 * []byte without a usable size → `longblob`; table options from upstream's
 * `tableOptionsForDialect`. Assumptions are listed in docs/spire-schema.md.
 */
export const EXPECTED_MYSQL = parseCatalogFixture(`
table bundles options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  trust_domain: varchar(255) NOT NULL
  data: mediumblob
  primary key (id)
table federated_registration_entries options InnoDB DYNAMIC utf8
  bundle_id: int unsigned NOT NULL
  registered_entry_id: int unsigned NOT NULL
  primary key (bundle_id, registered_entry_id)
table attested_node_entries options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  data_type: varchar(255)
  serial_number: varchar(255)
  expires_at: datetime
  new_serial_number: varchar(255)
  new_expires_at: datetime
  can_reattest: tinyint(1)
  agent_version: varchar(255)
  primary key (id)
table attested_node_entries_events options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  primary key (id)
table node_resolver_map_entries options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  type: varchar(255)
  value: varchar(255)
  primary key (id)
table registered_entries options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  entry_id: varchar(255)
  spiffe_id: varchar(255)
  parent_id: varchar(255)
  ttl: int
  admin: tinyint(1)
  downstream: tinyint(1)
  expiry: bigint
  revision_number: bigint
  store_svid: tinyint(1)
  hint: varchar(255)
  jwt_svid_ttl: int
  additional_attributes: longblob
  primary key (id)
table registered_entries_events options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  entry_id: varchar(255)
  primary key (id)
table join_tokens options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  token: varchar(255)
  expiry: bigint
  primary key (id)
table selectors options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  registered_entry_id: int unsigned
  type: varchar(255)
  value: varchar(255)
  primary key (id)
table migrations options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  version: int
  code_version: varchar(255)
  primary key (id)
table dns_names options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  registered_entry_id: int unsigned
  value: varchar(255)
  primary key (id)
table federated_trust_domains options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  trust_domain: varchar(255) NOT NULL
  bundle_endpoint_url: varchar(255)
  bundle_endpoint_profile: varchar(255)
  endpoint_spiffe_id: varchar(255)
  implicit: tinyint(1)
  primary key (id)
table ca_journals options InnoDB DYNAMIC utf8
  id: int unsigned auto_increment NOT NULL
  created_at: datetime
  updated_at: datetime
  data: mediumblob
  active_x509_authority_id: varchar(255)
  active_jwt_authority_id: varchar(255)
  primary key (id)
index uix_bundles_trust_domain unique on bundles (trust_domain)
index idx_attested_node_entries_expires_at on attested_node_entries (expires_at)
index uix_attested_node_entries_spiffe_id unique on attested_node_entries (spiffe_id)
index idx_node_resolver_map unique on node_resolver_map_entries (spiffe_id, type, value)
index idx_registered_entries_hint on registered_entries (hint)
index idx_registered_entries_spiffe_id on registered_entries (spiffe_id)
index idx_registered_entries_parent_id on registered_entries (parent_id)
index idx_registered_entries_expiry on registered_entries (expiry)
index uix_registered_entries_entry_id unique on registered_entries (entry_id)
index uix_join_tokens_token unique on join_tokens (token)
index idx_selectors_type_value on selectors (type, value)
index idx_selector_entry unique on selectors (registered_entry_id, type, value)
index idx_dns_entry unique on dns_names (registered_entry_id, value)
index uix_federated_trust_domains_trust_domain unique on federated_trust_domains (trust_domain)
index idx_ca_journals_active_x509_authority_id on ca_journals (active_x509_authority_id)
index idx_ca_journals_active_jwt_authority_id on ca_journals (active_jwt_authority_id)
index idx_federated_registration_entries_registered_entry_id on federated_registration_entries (registered_entry_id)
`);
