import type { Bundle, BundlePublicKey, EntryAdditionalAttributes } from '@spire-ts/core/plugin';
import { int64, LEN, ProtoWriter, readFields, uint64, VARINT, type ProtoField } from './wire.js';

/**
 * The SPIRE messages the SQL store keeps in columns, field for field as upstream's .proto files
 * (spire/common/common.proto, private/server/journal/journal.proto at spiffe/spire ef8527ec).
 */

function encodePublicKey(k: BundlePublicKey): Buffer {
  return new ProtoWriter().bytes(1, k.pkixBytes).string(2, k.kid).varint(3, k.notAfter).varint(4, k.taintedKey).finish();
}

function decodePublicKey(buf: Uint8Array): BundlePublicKey {
  const k: BundlePublicKey = { pkixBytes: new Uint8Array(0), kid: '', notAfter: 0, taintedKey: false };
  for (const f of readFields(buf)) {
    if (f.field === 1 && f.wire === LEN) k.pkixBytes = new Uint8Array(f.bytes);
    else if (f.field === 2 && f.wire === LEN) k.kid = Buffer.from(f.bytes).toString('utf8');
    else if (f.field === 3 && f.wire === VARINT) k.notAfter = int64(f.int);
    else if (f.field === 4 && f.wire === VARINT) k.taintedKey = f.int !== 0n;
  }
  return k;
}

/** A stored bundle: the fields our Bundle has, and the raw bytes of the ones it has not (WIT keys, newer fields). */
export interface StoredBundle {
  bundle: Bundle;
  /** Fields other than 1–5, tag included, in stored order; written back unchanged. */
  kept: Uint8Array[];
}

/**
 * spire.common.Bundle bytes: 1 trust_domain_id, 2 root_cas (1 der_bytes, 2 tainted_key),
 * 3 jwt_signing_keys (1 pkix_bytes, 2 kid, 3 not_after, 4 tainted_key), 4 refresh_hint,
 * 5 sequence_number, then `kept` (6 wit_signing_keys and anything newer). Pure.
 */
export function encodeBundleProto(b: Bundle, kept: readonly Uint8Array[] = []): Buffer {
  const w = new ProtoWriter().string(1, b.trustDomainId);
  for (const c of b.rootCas) w.message(2, new ProtoWriter().bytes(1, c.derBytes).varint(2, c.taintedKey).finish());
  for (const k of b.jwtSigningKeys) w.message(3, encodePublicKey(k));
  w.varint(4, b.refreshHint).varint(5, b.sequenceNumber);
  for (const r of kept) w.raw(r);
  return w.finish();
}

/** Decodes spire.common.Bundle bytes. Throws Error when they are not a valid message. */
export function decodeBundleProto(buf: Uint8Array): StoredBundle {
  const bundle: Bundle = { trustDomainId: '', rootCas: [], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 0 };
  const kept: Uint8Array[] = [];
  for (const f of readFields(buf)) {
    if (f.field === 1 && f.wire === LEN) bundle.trustDomainId = Buffer.from(f.bytes).toString('utf8');
    else if (f.field === 2 && f.wire === LEN) {
      const c = { derBytes: new Uint8Array(0), taintedKey: false };
      for (const g of readFields(f.bytes)) {
        if (g.field === 1 && g.wire === LEN) c.derBytes = new Uint8Array(g.bytes);
        else if (g.field === 2 && g.wire === VARINT) c.taintedKey = g.int !== 0n;
      }
      bundle.rootCas.push(c);
    } else if (f.field === 3 && f.wire === LEN) bundle.jwtSigningKeys.push(decodePublicKey(f.bytes));
    else if (f.field === 4 && f.wire === VARINT) bundle.refreshHint = int64(f.int);
    else if (f.field === 5 && f.wire === VARINT) bundle.sequenceNumber = uint64(f.int);
    else kept.push(new Uint8Array(f.raw));
  }
  return { bundle, kept };
}

/** The WIT signing keys (field 6) among a stored bundle's kept fields. */
export function witKeysOf(kept: readonly Uint8Array[]): BundlePublicKey[] {
  const out: BundlePublicKey[] = [];
  for (const raw of kept) for (const f of readFields(raw)) if (f.field === 6 && f.wire === LEN) out.push(decodePublicKey(f.bytes));
  return out;
}

/** RegistrationEntry.AdditionalAttributes bytes (1 disable_x509_svid_prefetch, 2 jwt_svid_include_jti). Pure. */
export function encodeAdditionalAttributes(a: EntryAdditionalAttributes): Buffer {
  return new ProtoWriter().varint(1, a.disableX509SvidPrefetch).varint(2, a.jwtSvidIncludeJti).finish();
}

/** Decodes AdditionalAttributes bytes. Throws Error when they are not a valid message. */
export function decodeAdditionalAttributes(buf: Uint8Array): EntryAdditionalAttributes {
  const a: EntryAdditionalAttributes = { disableX509SvidPrefetch: false, jwtSvidIncludeJti: false };
  for (const f of readFields(buf)) {
    if (f.wire !== VARINT) continue;
    if (f.field === 1) a.disableX509SvidPrefetch = f.int !== 0n;
    else if (f.field === 2) a.jwtSvidIncludeJti = f.int !== 0n;
  }
  return a;
}

function notAfterOf(entry: ProtoField, field: number): number {
  let v = 0;
  for (const g of readFields(entry.bytes)) if (g.field === field && g.wire === VARINT) v = int64(g.int);
  return v;
}

/**
 * The latest not_after of the X.509 CAs (journal.Entries field 1, its field 7) and JWT keys
 * (field 2, its field 3) of a CA journal, or undefined when it has none; WIT keys are not counted,
 * as upstream's pruning does not. Throws Error when the bytes are not a valid message.
 */
export function journalLatestNotAfter(buf: Uint8Array): number | undefined {
  let latest: number | undefined;
  for (const f of readFields(buf)) {
    if (f.wire !== LEN || (f.field !== 1 && f.field !== 2)) continue;
    const n = notAfterOf(f, f.field === 1 ? 7 : 3);
    latest = latest === undefined ? n : Math.max(latest, n);
  }
  return latest;
}
