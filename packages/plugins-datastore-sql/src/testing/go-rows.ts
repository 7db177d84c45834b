import type { Dialect, SqlDriver, SqlExecutor } from '../driver/sql-driver.js';
import { ProtoWriter } from '../proto/wire.js';
import { spireSchemaDdl } from '../schema/spire-ddl.js';

// Rows as Go SPIRE's sqlstore writes them, for tests on both sides of a switch: GORM's columns and
// time literals, protobuf bytes built field by field with the wire writer (never with the store's
// own codecs), and an event in the same transaction as every entry or node write.

/** A GORM time literal as Go SPIRE's driver writes it: `+00:00` on SQLite and PostgreSQL, bare UTC on MySQL. */
export function goTime(d: Dialect, iso: string): string {
  return d === 'mysql' ? iso : `${iso}+00:00`;
}

/** A GORM bool as each dialect stores it. */
export function goBool(d: Dialect, v: boolean): boolean | number {
  return d === 'postgres' ? v : v ? 1 : 0;
}

/**
 * Creates upstream's schema at `version` on an empty database with the one `migrations` row a Go
 * server of `codeVersion` leaves: what this server finds when it is pointed at Go SPIRE's database.
 */
export async function createGoSchema(d: SqlDriver, version = 25, codeVersion = '1.15.3'): Promise<void> {
  for (const s of spireSchemaDdl(d.dialect, version)) await d.exec(s);
  const t = goTime(d.dialect, '2026-01-01 00:00:00');
  await d.exec('INSERT INTO migrations (created_at, updated_at, version, code_version) VALUES (?, ?, ?, ?)', [t, t, version, codeVersion]);
}

export interface GoJwtKey {
  pkix: Uint8Array;
  kid: string;
  notAfter: number;
}

/** `common.Bundle` bytes: trust domain ID (1), roots (2), JWT keys (3), refresh hint (4), sequence (5), WIT keys (6). */
export function goBundleBytes(td: string, b: { roots: Uint8Array[]; jwtKeys?: GoJwtKey[]; refreshHint?: number; sequence?: number; witKeys?: GoJwtKey[] }): Buffer {
  const key = (k: GoJwtKey) => new ProtoWriter().bytes(1, k.pkix).string(2, k.kid).varint(3, k.notAfter).finish();
  const w = new ProtoWriter().string(1, td);
  for (const r of b.roots) w.message(2, new ProtoWriter().bytes(1, r).finish());
  for (const k of b.jwtKeys ?? []) w.message(3, key(k));
  w.varint(4, b.refreshHint ?? 0).varint(5, b.sequence ?? 0);
  for (const k of b.witKeys ?? []) w.message(6, key(k));
  return w.finish();
}

export interface GoEntry {
  entryId: string;
  spiffeId: string;
  parentId: string;
  selectors: { type: string; value: string }[];
  dnsNames?: string[];
  /** Trust domain IDs (`spiffe://…`) of bundles already in the database. */
  federatesWith?: string[];
  x509Ttl?: number;
  jwtTtl?: number;
  admin?: boolean;
  downstream?: boolean;
  expiry?: number;
  revision?: number;
  storeSvid?: boolean;
  hint?: string;
  /** Sets `AdditionalAttributes.jwt_svid_include_jti` (field 2). */
  jti?: boolean;
}

export interface GoNode {
  spiffeId: string;
  dataType: string;
  serial: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  expiresAt: string;
  canReattest?: boolean;
  agentVersion?: string;
  selectors?: { type: string; value: string }[];
}

/** Writes rows as a Go server does, each object in one transaction with its event. */
export class GoWriter {
  constructor(
    readonly db: SqlDriver,
    /** created_at/updated_at of every row (`YYYY-MM-DD HH:MM:SS`, UTC). */
    readonly at = '2026-02-18 10:42:12',
  ) {}

  private get d(): Dialect {
    return this.db.dialect;
  }

  private async insert(x: SqlExecutor, table: string, cols: string[], vals: unknown[]): Promise<void> {
    const t = goTime(this.d, this.at);
    await x.exec(`INSERT INTO ${table} (created_at, updated_at, ${cols.join(', ')}) VALUES (?, ?, ${cols.map(() => '?').join(', ')})`, [t, t, ...vals]);
  }

  private async idOf(x: SqlExecutor, sql: string, params: unknown[]): Promise<number> {
    const [r] = await x.query<{ id: number }>(sql, params);
    if (!r) throw new Error(`no row for ${sql} ${JSON.stringify(params)}`);
    return Number(r.id);
  }

  async bundle(td: string, b: Parameters<typeof goBundleBytes>[1]): Promise<void> {
    await this.insert(this.db, 'bundles', ['trust_domain', 'data'], [td, goBundleBytes(td, b)]);
  }

  async entry(e: GoEntry): Promise<void> {
    const d = this.d;
    await this.db.transaction(async (x) => {
      const attrs = e.jti === undefined ? null : new ProtoWriter().varint(2, e.jti).finish();
      await this.insert(
        x,
        'registered_entries',
        ['entry_id', 'spiffe_id', 'parent_id', 'ttl', 'admin', 'downstream', 'expiry', 'revision_number', 'store_svid', 'hint', 'jwt_svid_ttl', 'additional_attributes'],
        [e.entryId, e.spiffeId, e.parentId, e.x509Ttl ?? 0, goBool(d, !!e.admin), goBool(d, !!e.downstream), e.expiry ?? 0, e.revision ?? 0, goBool(d, !!e.storeSvid), e.hint ?? '', e.jwtTtl ?? 0, attrs],
      );
      const id = await this.idOf(x, 'SELECT id FROM registered_entries WHERE entry_id = ?', [e.entryId]);
      for (const s of e.selectors) await this.insert(x, 'selectors', ['registered_entry_id', 'type', 'value'], [id, s.type, s.value]);
      for (const n of e.dnsNames ?? []) await this.insert(x, 'dns_names', ['registered_entry_id', 'value'], [id, n]);
      for (const td of e.federatesWith ?? []) {
        await x.exec('INSERT INTO federated_registration_entries (bundle_id, registered_entry_id) VALUES ((SELECT id FROM bundles WHERE trust_domain = ?), ?)', [td, id]);
      }
      await this.insert(x, 'registered_entries_events', ['entry_id'], [e.entryId]);
    });
  }

  /** Go's delete: the children, the federation links, the entry, and the event. */
  async deleteEntry(entryId: string): Promise<void> {
    await this.db.transaction(async (x) => {
      const id = await this.idOf(x, 'SELECT id FROM registered_entries WHERE entry_id = ?', [entryId]);
      for (const t of ['selectors', 'dns_names', 'federated_registration_entries']) await x.exec(`DELETE FROM ${t} WHERE registered_entry_id = ?`, [id]);
      await x.exec('DELETE FROM registered_entries WHERE id = ?', [id]);
      await this.insert(x, 'registered_entries_events', ['entry_id'], [entryId]);
    });
  }

  async node(n: GoNode): Promise<void> {
    const d = this.d;
    await this.db.transaction(async (x) => {
      await this.insert(
        x,
        'attested_node_entries',
        ['spiffe_id', 'data_type', 'serial_number', 'expires_at', 'new_serial_number', 'new_expires_at', 'can_reattest', 'agent_version'],
        [n.spiffeId, n.dataType, n.serial, goTime(d, n.expiresAt), '', null, goBool(d, !!n.canReattest), n.agentVersion ?? ''],
      );
      for (const s of n.selectors ?? []) await this.insert(x, 'node_resolver_map_entries', ['spiffe_id', 'type', 'value'], [n.spiffeId, s.type, s.value]);
      await this.insert(x, 'attested_node_entries_events', ['spiffe_id'], [n.spiffeId]);
    });
  }

  async joinToken(token: string, expiry: number): Promise<void> {
    await this.insert(this.db, 'join_tokens', ['token', 'expiry'], [token, expiry]);
  }

  async federation(f: { trustDomain: string; url: string; profile: 'https_web' | 'https_spiffe'; endpointSpiffeId?: string }): Promise<void> {
    await this.insert(
      this.db,
      'federated_trust_domains',
      ['trust_domain', 'bundle_endpoint_url', 'bundle_endpoint_profile', 'endpoint_spiffe_id', 'implicit'],
      [f.trustDomain, f.url, f.profile, f.endpointSpiffeId ?? '', goBool(this.d, false)],
    );
  }

  async journal(data: Uint8Array, x509AuthorityId: string, jwtAuthorityId = ''): Promise<void> {
    await this.insert(this.db, 'ca_journals', ['data', 'active_x509_authority_id', 'active_jwt_authority_id'], [data, x509AuthorityId, jwtAuthorityId]);
  }
}
