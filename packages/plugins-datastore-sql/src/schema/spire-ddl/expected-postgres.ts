import { parseCatalogFixture } from './fixture.js';

/**
 * Upstream SPIRE's schema 25 on PostgreSQL, as information_schema / pg_index report it.
 *
 * How derived: the tables, columns and index names of the SQLite fixture (upstream's own dump),
 * with GORM v1.9.16's PostgreSQL types: the `uint` primary key → `serial` (reported here as
 * `serial`: integer with a nextval default), time.Time → `timestamp with time zone`, a string
 * without `size` → `text`, bool → `boolean`, []byte → `bytea`, int/int32/uint → `integer`,
 * int64 → `bigint`. Assumptions are listed in docs/spire-schema.md.
 */
export const EXPECTED_POSTGRES = parseCatalogFixture(`
table bundles
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  trust_domain: text NOT NULL
  data: bytea
  primary key (id)
table federated_registration_entries
  bundle_id: integer NOT NULL
  registered_entry_id: integer NOT NULL
  primary key (bundle_id, registered_entry_id)
table attested_node_entries
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  spiffe_id: text
  data_type: text
  serial_number: text
  expires_at: timestamp with time zone
  new_serial_number: text
  new_expires_at: timestamp with time zone
  can_reattest: boolean
  agent_version: text
  primary key (id)
table attested_node_entries_events
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  spiffe_id: text
  primary key (id)
table node_resolver_map_entries
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  spiffe_id: text
  type: text
  value: text
  primary key (id)
table registered_entries
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  entry_id: text
  spiffe_id: text
  parent_id: text
  ttl: integer
  admin: boolean
  downstream: boolean
  expiry: bigint
  revision_number: bigint
  store_svid: boolean
  hint: text
  jwt_svid_ttl: integer
  additional_attributes: bytea
  primary key (id)
table registered_entries_events
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  entry_id: text
  primary key (id)
table join_tokens
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  token: text
  expiry: bigint
  primary key (id)
table selectors
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  registered_entry_id: integer
  type: text
  value: text
  primary key (id)
table migrations
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  version: integer
  code_version: text
  primary key (id)
table dns_names
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  registered_entry_id: integer
  value: text
  primary key (id)
table federated_trust_domains
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  trust_domain: text NOT NULL
  bundle_endpoint_url: text
  bundle_endpoint_profile: text
  endpoint_spiffe_id: text
  implicit: boolean
  primary key (id)
table ca_journals
  id: serial NOT NULL
  created_at: timestamp with time zone
  updated_at: timestamp with time zone
  data: bytea
  active_x509_authority_id: text
  active_jwt_authority_id: text
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
