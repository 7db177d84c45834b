import { parseCatalogFixture } from './fixture.js';

/**
 * Upstream SPIRE's schema 25 on SQLite, as `PRAGMA table_info` / `index_list` report it.
 *
 * How derived: the `sqlite3 .dump` of a pristine schema-24 database in upstream's
 * `pkg/server/datastore/sqlstore/migration_test.go` (spiffe/spire ef8527ec), which a real SPIRE
 * release produced, plus schema 25's `additional_attributes` (GORM `[]byte` → `blob`, appended
 * last). A primary key column counts as NOT NULL; `autoincrement` marks `integer primary key
 * autoincrement`.
 */
export const EXPECTED_SQLITE3 = parseCatalogFixture(`
table bundles
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  trust_domain: varchar(255) NOT NULL
  data: blob
  primary key (id)
table federated_registration_entries
  bundle_id: integer NOT NULL
  registered_entry_id: integer NOT NULL
  primary key (bundle_id, registered_entry_id)
table attested_node_entries
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  data_type: varchar(255)
  serial_number: varchar(255)
  expires_at: datetime
  new_serial_number: varchar(255)
  new_expires_at: datetime
  can_reattest: bool
  agent_version: varchar(255)
  primary key (id)
table attested_node_entries_events
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  primary key (id)
table node_resolver_map_entries
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  spiffe_id: varchar(255)
  type: varchar(255)
  value: varchar(255)
  primary key (id)
table registered_entries
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  entry_id: varchar(255)
  spiffe_id: varchar(255)
  parent_id: varchar(255)
  ttl: integer
  admin: bool
  downstream: bool
  expiry: bigint
  revision_number: bigint
  store_svid: bool
  hint: varchar(255)
  jwt_svid_ttl: integer
  additional_attributes: blob
  primary key (id)
table registered_entries_events
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  entry_id: varchar(255)
  primary key (id)
table join_tokens
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  token: varchar(255)
  expiry: bigint
  primary key (id)
table selectors
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  registered_entry_id: integer
  type: varchar(255)
  value: varchar(255)
  primary key (id)
table migrations
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  version: integer
  code_version: varchar(255)
  primary key (id)
table dns_names
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  registered_entry_id: integer
  value: varchar(255)
  primary key (id)
table federated_trust_domains
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  trust_domain: varchar(255) NOT NULL
  bundle_endpoint_url: varchar(255)
  bundle_endpoint_profile: varchar(255)
  endpoint_spiffe_id: varchar(255)
  implicit: bool
  primary key (id)
table ca_journals
  id: integer autoincrement NOT NULL
  created_at: datetime
  updated_at: datetime
  data: blob
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
