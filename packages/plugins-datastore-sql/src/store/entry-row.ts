import type { RegistrationEntry } from '@spire-ts/core/plugin';
import type { Dialect } from '../driver/sql-driver.js';
import { SqlErrors } from '../errors.js';
import { decodeAdditionalAttributes, encodeAdditionalAttributes } from '../proto/spire-messages.js';
import { b, boolSql, dbTime, dbTimeMs, epochSql } from './sql-util.js';
import type { NormalizedEntry } from './validate.js';

// How a registration entry sits in upstream's `registered_entries` row (docs/spire-schema.md):
// `ttl` is the X.509-SVID TTL, the tunables are AdditionalAttributes protobuf bytes, created_at a
// GORM time, and our similarity key (with the revision it was computed at) rides in two nullable
// extra columns that rows a Go server wrote leave NULL.

/** A `registered_entries` row as `entryCols` selects it. */
export interface EntryRow {
  id: number;
  entry_id: string;
  spiffe_id: string;
  parent_id: string;
  ttl: number;
  jwt_svid_ttl: number;
  admin: number;
  downstream: number;
  expiry: number;
  store_svid: number;
  hint: string;
  created_at: number;
  revision_number: number;
  attrs_hex: string;
  similarity_key: string | null;
  similarity_revision: number | null;
  [k: string]: unknown;
}

/**
 * The row's columns over alias E, in the order `entryAt` reads them, as plain values: times as Unix
 * seconds, bools as 0/1, NULLs of columns Go's older schemas added later as zero values.
 */
export function entryScanCols(d: Dialect): string[] {
  return [
    'E.id',
    'E.entry_id',
    'E.spiffe_id',
    'E.parent_id',
    'COALESCE(E.ttl, 0)',
    'COALESCE(E.jwt_svid_ttl, 0)',
    `COALESCE(${boolSql(d, 'E.admin')}, 0)`,
    `COALESCE(${boolSql(d, 'E.downstream')}, 0)`,
    'COALESCE(E.expiry, 0)',
    `COALESCE(${boolSql(d, 'E.store_svid')}, 0)`,
    "COALESCE(E.hint, '')",
    `COALESCE(${epochSql(d, 'E.created_at')}, 0)`,
    'COALESCE(E.revision_number, 0)',
    // Bytes travel as hex so packed scans can carry them; '-' stands for NULL (no attributes).
    `CASE WHEN E.additional_attributes IS NULL THEN '-' ELSE ${hexSql(d, 'E.additional_attributes')} END`,
  ];
}

function hexSql(d: Dialect, col: string): string {
  return d === 'postgres' ? `encode(${col}, 'hex')` : `HEX(${col})`;
}

const NAMES = ['id', 'entry_id', 'spiffe_id', 'parent_id', 'ttl', 'jwt_svid_ttl', 'admin', 'downstream', 'expiry', 'store_svid', 'hint', 'created_at', 'revision_number', 'attrs_hex'];
const BY_DIALECT = new Map<Dialect, string>();

/** The SELECT list of an EntryRow (alias E). */
export function entryCols(d: Dialect): string {
  let c = BY_DIALECT.get(d);
  if (!c) {
    const plain = entryScanCols(d).map((x, i) => `${x} AS ${NAMES[i]}`);
    BY_DIALECT.set(d, (c = [...plain, 'E.similarity_key', 'E.similarity_revision'].join(', ')));
  }
  return c;
}

/** The stored AdditionalAttributes: NULL when absent (as upstream), the message bytes otherwise. */
export function attributesColumn(e: RegistrationEntry): Buffer | null {
  return e.additionalAttributes ? encodeAdditionalAttributes(e.additionalAttributes) : null;
}

/** Reads the additional_attributes column as hex ('-' for NULL); an empty value means "present, all false". */
function attributesOf(hex: string, entryId: string): RegistrationEntry['additionalAttributes'] {
  if (hex === '-') return undefined;
  try {
    return decodeAdditionalAttributes(Buffer.from(hex, 'hex'));
  } catch (err) {
    throw SqlErrors.sqlFailed(`additional attributes of entry "${entryId}" do not decode: ${(err as Error).message}`, err);
  }
}

/** The entry of plain values at offset `o` of `f` (entryScanCols order), with no children yet. */
export function entryAt(f: readonly unknown[], o: number): RegistrationEntry {
  const e: RegistrationEntry = {
    entryId: f[o + 1] as string,
    spiffeId: f[o + 2] as string,
    parentId: f[o + 3] as string,
    selectors: [],
    x509SvidTtl: Number(f[o + 4]),
    jwtSvidTtl: Number(f[o + 5]),
    federatesWith: [],
    dnsNames: [],
    admin: Number(f[o + 6]) === 1,
    downstream: Number(f[o + 7]) === 1,
    entryExpiry: Number(f[o + 8]),
    storeSvid: Number(f[o + 9]) === 1,
    hint: f[o + 10] as string,
    createdAt: Number(f[o + 11]),
    revisionNumber: Number(f[o + 12]),
  };
  const attrs = attributesOf(String(f[o + 13]), e.entryId);
  if (attrs) e.additionalAttributes = attrs;
  return e;
}

/** The entry of a row, with no selectors, DNS names or trust domains yet. */
export function entryOfRow(r: EntryRow): RegistrationEntry {
  return entryAt(
    NAMES.map((n) => r[n]),
    0,
  );
}

/** The columns `entryInsertParams` fills, in order. */
export const ENTRY_INSERT_COLS = [
  'created_at',
  'updated_at',
  'entry_id',
  'spiffe_id',
  'parent_id',
  'ttl',
  'admin',
  'downstream',
  'expiry',
  'revision_number',
  'store_svid',
  'hint',
  'jwt_svid_ttl',
  'additional_attributes',
  'similarity_key',
  'similarity_revision',
];

/** One row's values for ENTRY_INSERT_COLS. */
export function entryInsertParams(d: Dialect, n: NormalizedEntry): unknown[] {
  const e = n.entry;
  return [
    dbTime(d, e.createdAt),
    dbTimeMs(d, Date.now()),
    e.entryId,
    e.spiffeId,
    e.parentId,
    e.x509SvidTtl,
    b(d, e.admin),
    b(d, e.downstream),
    e.entryExpiry,
    e.revisionNumber,
    b(d, e.storeSvid),
    e.hint,
    e.jwtSvidTtl,
    attributesColumn(e),
    n.similarityKey,
    e.revisionNumber,
  ];
}
