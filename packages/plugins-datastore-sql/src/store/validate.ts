import { randomUUID, createHash } from 'node:crypto';
import { SpiffeId, type RegistrationEntry, type Selector, type SpireError } from '@spire-ts/core/plugin';
import { entryField, SqlErrors } from '../errors.js';

/** Column limits, checked before any write so that no database ever truncates or half-writes. */
export const LIMITS = {
  entryId: 255,
  selectorType: 255,
  selectorValue: 1024,
  dnsName: 255,
  hint: 1024,
  trustDomainId: 255,
  short: 255,
  url: 2048,
} as const;

const MAX_INT32 = 2 ** 31 - 1;
const ENTRY_ID_CHARS = /^[A-Za-z0-9._-]*$/;

/** UTF-8 length, skipping the count when the string is short enough in any encoding. */
function fitsIn(s: string, max: number): boolean {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  return s.length * 3 <= max || Buffer.byteLength(s, 'utf8') <= max;
}

/** Throws INVALID_ARGUMENT unless `v` is a string of at most `max` bytes (non-empty if required). */
export function checkString(field: string, v: unknown, max: number, required = false): string {
  if (v === undefined || v === null) {
    if (required) throw SqlErrors.missing(field);
    return '';
  }
  if (typeof v !== 'string') throw SqlErrors.malformed(field, 'not a string');
  if (required && v === '') throw SqlErrors.missing(field);
  if (!fitsIn(v, max)) throw SqlErrors.tooLong(field, max);
  return v;
}

/** Throws INVALID_ARGUMENT unless `v` is a SPIFFE ID. */
export function checkSpiffeId(field: string, v: unknown): string {
  const s = checkString(field, v, 2048, true);
  try {
    return SpiffeId.parse(s).toString();
  } catch (err) {
    throw SqlErrors.malformed(field, (err as Error).message);
  }
}

/** Throws INVALID_ARGUMENT unless `v` is an integer in [min, max]; undefined reads as `dflt`. */
export function checkInt(field: string, v: unknown, min: number, max: number, dflt = 0): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw SqlErrors.notInteger(field, min, max);
  return v;
}

/** Unix-seconds timestamps: non-negative and exact in a double. */
export function checkTime(field: string, v: unknown): number {
  return checkInt(field, v, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * Checked selectors in the order given, each kept once (at its first place). SPIRE returns
 * selectors in the order they were written, so the store keeps that order.
 */
export function canonicalSelectors(field: string, sels: unknown): Selector[] {
  if (!Array.isArray(sels)) throw SqlErrors.malformed(field, 'not a list');
  const seen = new Map<string, Selector>();
  sels.forEach((s: unknown, i) => {
    const sel = s as Partial<Selector> | null;
    if (typeof sel !== 'object' || sel === null) throw SqlErrors.malformed(`${field}[${i}]`, 'not a selector');
    const type = checkString(`${field}[${i}].type`, sel.type, LIMITS.selectorType, true);
    const value = checkString(`${field}[${i}].value`, sel.value, LIMITS.selectorValue, true);
    const key = `${type}\u0000${value}`;
    if (!seen.has(key)) seen.set(key, { type, value });
  });
  return [...seen.values()];
}

/** Orders selectors by type, then value (UTF-16 code units; any fixed order serves a digest). */
function compareSelectors(a: Selector, b: Selector): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * The key two entries share exactly when they are similar: same spiffe_id, parent_id and
 * selector set, whatever the selectors' order (they are digested sorted; `sels` must hold each
 * selector once, as `canonicalSelectors` returns them). 128 bits of SHA-256, so a unique index
 * over it stays small.
 */
export function similarityKey(spiffeId: string, parentId: string, sels: readonly Selector[]): string {
  const sorted = [...sels].sort(compareSelectors);
  return sha256(JSON.stringify([spiffeId, parentId, sorted.map((s) => [s.type, s.value])])).slice(0, 32);
}

/** An entry ready to be written, with its similarity key. */
export interface NormalizedEntry {
  entry: RegistrationEntry;
  similarityKey: string;
}

/**
 * Checks every field of an entry and returns it normalised (ID generated when empty, selectors
 * de-duplicated in their given order, trust domains de-duplicated and sorted). Throws
 * INVALID_ARGUMENT `datastore-validation: ...`: SPIRE's checks first, in SPIRE's order and with
 * its words, then this store's own (column limits, well-formed IDs), naming the field.
 */
export function normalizeEntry(input: RegistrationEntry, generateId: boolean): NormalizedEntry {
  if (typeof input !== 'object' || input === null) throw SqlErrors.missingEntry();
  const attrs = input.additionalAttributes;
  const rawSels: unknown = input.selectors ?? [];
  if (Array.isArray(rawSels) && rawSels.length === 0) throw SqlErrors.noSelectors();
  const selectors = canonicalSelectors(entryField('selectors'), rawSels);
  if (input.storeSvid) {
    if (attrs?.disableX509SvidPrefetch) throw SqlErrors.storeSvidPrefetch();
    if (selectors.some((s) => s.type !== selectors[0]!.type)) throw SqlErrors.storeSvidSelectorTypes();
  }
  let entryId = checkString(entryField('entry_id'), input.entryId, Number.MAX_SAFE_INTEGER);
  if (Buffer.byteLength(entryId, 'utf8') > LIMITS.entryId) throw SqlErrors.entryIdTooLong();
  if (!ENTRY_ID_CHARS.test(entryId)) throw SqlErrors.entryIdChars();
  if (entryId === '') {
    if (!generateId) throw SqlErrors.missing(entryField('entry_id'));
    entryId = randomUUID();
  }
  if (input.spiffeId === '' || input.spiffeId === undefined || input.spiffeId === null) throw SqlErrors.noSpiffeId();
  if (typeof input.x509SvidTtl === 'number' && input.x509SvidTtl < 0) throw SqlErrors.x509SvidTtlNotSet();
  if (typeof input.jwtSvidTtl === 'number' && input.jwtSvidTtl < 0) throw SqlErrors.jwtSvidTtlNotSet();
  const spiffeId = checkSpiffeId(entryField('spiffe_id'), input.spiffeId);
  const parentId = checkSpiffeId(entryField('parent_id'), input.parentId);
  const x509SvidTtl = checkInt(entryField('x509_svid_ttl'), input.x509SvidTtl, 0, MAX_INT32);
  const jwtSvidTtl = checkInt(entryField('jwt_svid_ttl'), input.jwtSvidTtl, 0, MAX_INT32);
  const ttl = checkInt(entryField('ttl'), input.ttl, 0, MAX_INT32);
  const fw = input.federatesWith ?? [];
  if (!Array.isArray(fw)) throw SqlErrors.malformed(entryField('federates_with'), 'not a list');
  const federatesWith = [...new Set(fw.map((td, i) => checkString(entryField(`federates_with[${i}]`), td, LIMITS.trustDomainId, true)))].sort();
  const dns = input.dnsNames ?? [];
  if (!Array.isArray(dns)) throw SqlErrors.malformed(entryField('dns_names'), 'not a list');
  const dnsNames = dns.map((d, i) => checkString(entryField(`dns_names[${i}]`), d, LIMITS.dnsName, true));
  const hint = checkString(entryField('hint'), input.hint, LIMITS.hint);
  const entryExpiry = checkTime(entryField('expires_at'), input.entryExpiry);
  const entry: RegistrationEntry = {
    entryId,
    spiffeId,
    parentId,
    selectors,
    // SPIRE's schema has one X.509 TTL column (`ttl`): the deprecated `ttl` only fills an unset x509SvidTtl.
    x509SvidTtl: x509SvidTtl || ttl,
    jwtSvidTtl,
    federatesWith,
    dnsNames,
    admin: input.admin === true,
    downstream: input.downstream === true,
    entryExpiry,
    storeSvid: input.storeSvid === true,
    hint,
    createdAt: input.createdAt ?? 0,
    revisionNumber: input.revisionNumber ?? 0,
  };
  if (attrs) {
    entry.additionalAttributes = {
      disableX509SvidPrefetch: attrs.disableX509SvidPrefetch === true,
      jwtSvidIncludeJti: attrs.jwtSvidIncludeJti === true,
    };
  }
  return { entry, similarityKey: similarityKey(spiffeId, parentId, selectors) };
}

/** Runs `fn`, turning what it throws into a result; for batch calls. */
export function attempt<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: SpireError } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: err as SpireError };
  }
}
