/**
 * Upstream SPIRE's SQL schema as data: the GORM v1 models of
 * `pkg/server/datastore/sqlstore/models.go` at spiffe/spire ef8527ec (schema version 25), with
 * column kinds in Go terms. `spire-ddl.ts` turns it into each dialect's DDL; docs/spire-schema.md
 * explains every kind and name.
 */

/**
 * A column's Go type as GORM v1 sees it: `id` the auto-increment primary key; `time` a
 * (nullable) time.Time; `string`/`stringNotNull` a Go string without/with `not null`; `bool`;
 * `int` an int/int32; `bigint` an int64; `uint` a non-key uint; `blob16m` a []byte of size
 * 16777215 (MySQL MEDIUMBLOB); `blob` a []byte of no usable size (MySQL LONGBLOB).
 */
export type SpireColumnKind = 'id' | 'time' | 'string' | 'stringNotNull' | 'bool' | 'int' | 'bigint' | 'uint' | 'blob16m' | 'blob';

/** One column; `since` is the schema version that added it (absent: present at 23). */
export interface SpireColumn {
  name: string;
  kind: SpireColumnKind;
  since?: number;
}

/** One index of a table, named as GORM names it. */
export interface SpireIndex {
  name: string;
  unique: boolean;
  columns: readonly string[];
}

/** One table: columns in GORM's order, its primary key and its indexes. */
export interface SpireTable {
  name: string;
  columns: readonly SpireColumn[];
  primaryKey: readonly string[];
  indexes: readonly SpireIndex[];
}

/** The schema version upstream's code writes (`latestSchemaVersion`). */
export const SPIRE_SCHEMA_VERSION = 25;
/** The oldest version upstream migrates from (`lastMinorReleaseSchemaVersion`). */
export const SPIRE_MIN_SCHEMA_VERSION = 23;

const MODEL: readonly SpireColumn[] = [
  { name: 'id', kind: 'id' },
  { name: 'created_at', kind: 'time' },
  { name: 'updated_at', kind: 'time' },
];

function model(name: string, columns: readonly SpireColumn[], indexes: readonly SpireIndex[] = []): SpireTable {
  return { name, columns: [...MODEL, ...columns], primaryKey: ['id'], indexes };
}

const str = (name: string): SpireColumn => ({ name, kind: 'string' });
const uix = (table: string, column: string): SpireIndex => ({ name: `uix_${table}_${column}`, unique: true, columns: [column] });
const idx = (table: string, column: string): SpireIndex => ({ name: `idx_${table}_${column}`, unique: false, columns: [column] });

/** Every table, in the order upstream's `initDB` creates them (the join table comes with bundles). */
export const SPIRE_TABLES: readonly SpireTable[] = [
  model('bundles', [{ name: 'trust_domain', kind: 'stringNotNull' }, { name: 'data', kind: 'blob16m' }], [uix('bundles', 'trust_domain')]),
  {
    name: 'federated_registration_entries',
    columns: [
      { name: 'bundle_id', kind: 'uint' },
      { name: 'registered_entry_id', kind: 'uint' },
    ],
    primaryKey: ['bundle_id', 'registered_entry_id'],
    indexes: [idx('federated_registration_entries', 'registered_entry_id')],
  },
  model(
    'attested_node_entries',
    [
      str('spiffe_id'),
      str('data_type'),
      str('serial_number'),
      { name: 'expires_at', kind: 'time' },
      str('new_serial_number'),
      { name: 'new_expires_at', kind: 'time' },
      { name: 'can_reattest', kind: 'bool' },
      { name: 'agent_version', kind: 'string', since: 24 },
    ],
    [uix('attested_node_entries', 'spiffe_id'), idx('attested_node_entries', 'expires_at')],
  ),
  model('attested_node_entries_events', [str('spiffe_id')]),
  model('node_resolver_map_entries', [str('spiffe_id'), str('type'), str('value')], [
    { name: 'idx_node_resolver_map', unique: true, columns: ['spiffe_id', 'type', 'value'] },
  ]),
  model(
    'registered_entries',
    [
      str('entry_id'),
      str('spiffe_id'),
      str('parent_id'),
      { name: 'ttl', kind: 'int' },
      { name: 'admin', kind: 'bool' },
      { name: 'downstream', kind: 'bool' },
      { name: 'expiry', kind: 'bigint' },
      { name: 'revision_number', kind: 'bigint' },
      { name: 'store_svid', kind: 'bool' },
      str('hint'),
      { name: 'jwt_svid_ttl', kind: 'int' },
      { name: 'additional_attributes', kind: 'blob', since: 25 },
    ],
    [
      uix('registered_entries', 'entry_id'),
      idx('registered_entries', 'spiffe_id'),
      idx('registered_entries', 'parent_id'),
      idx('registered_entries', 'expiry'),
      idx('registered_entries', 'hint'),
    ],
  ),
  model('registered_entries_events', [str('entry_id')]),
  model('join_tokens', [str('token'), { name: 'expiry', kind: 'bigint' }], [uix('join_tokens', 'token')]),
  model('selectors', [{ name: 'registered_entry_id', kind: 'uint' }, str('type'), str('value')], [
    { name: 'idx_selector_entry', unique: true, columns: ['registered_entry_id', 'type', 'value'] },
    { name: 'idx_selectors_type_value', unique: false, columns: ['type', 'value'] },
  ]),
  model('migrations', [{ name: 'version', kind: 'int' }, str('code_version')]),
  model('dns_names', [{ name: 'registered_entry_id', kind: 'uint' }, str('value')], [
    { name: 'idx_dns_entry', unique: true, columns: ['registered_entry_id', 'value'] },
  ]),
  model(
    'federated_trust_domains',
    [
      { name: 'trust_domain', kind: 'stringNotNull' },
      str('bundle_endpoint_url'),
      str('bundle_endpoint_profile'),
      str('endpoint_spiffe_id'),
      { name: 'implicit', kind: 'bool' },
    ],
    [uix('federated_trust_domains', 'trust_domain')],
  ),
  model('ca_journals', [{ name: 'data', kind: 'blob16m' }, str('active_x509_authority_id'), str('active_jwt_authority_id')], [
    { name: 'idx_ca_journals_active_x509_authority_id', unique: false, columns: ['active_x509_authority_id'] },
    { name: 'idx_ca_journals_active_jwt_authority_id', unique: false, columns: ['active_jwt_authority_id'] },
  ]),
];

/** The columns a table has at `version` (columns added later are left out). */
export function columnsAt(table: SpireTable, version: number): SpireColumn[] {
  return table.columns.filter((c) => (c.since ?? 0) <= version);
}
