// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { Bundle, BundleCertificate, BundlePublicKey } from '@spire-ts/core/plugin';
import { SqlErrors } from '../errors.js';
import { decodeBundleProto, encodeBundleProto, type StoredBundle } from '../proto/spire-messages.js';
import { checkInt, checkSpiffeId, checkString, checkTime, LIMITS } from './validate.js';

/**
 * The bundle as stored in the `data` column: upstream's spire.common.Bundle protobuf, with the
 * raw fields our Bundle does not model (`kept`: WIT keys, newer fields) written back unchanged.
 */
export function encodeBundle(bundle: Bundle, kept: readonly Uint8Array[] = []): Buffer {
  return encodeBundleProto(bundle, kept);
}

/** A `data` column's bundle and the fields it keeps raw. Throws INTERNAL when the bytes are not a bundle. */
export function decodeStoredBundle(data: Uint8Array): StoredBundle {
  try {
    return decodeBundleProto(data);
  } catch (err) {
    throw SqlErrors.sqlFailed(`stored bundle does not decode: ${(err as Error).message}`, err);
  }
}

/** A bundle from its stored form (see decodeStoredBundle). */
export function decodeBundle(data: Uint8Array): Bundle {
  return decodeStoredBundle(data).bundle;
}

function bytesOf(field: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw SqlErrors.malformed(field, 'not bytes');
  return new Uint8Array(v);
}

/** Checks every field of a bundle; throws INVALID_ARGUMENT naming the field. */
export function normalizeBundle(bundle: Bundle): Bundle {
  if (typeof bundle !== 'object' || bundle === null) throw SqlErrors.missing('bundle');
  const td = checkString('trust_domain_id', bundle.trustDomainId, LIMITS.trustDomainId, true);
  const id = checkSpiffeId('trust_domain_id', td);
  if (!/^spiffe:\/\/[^/]+$/.test(id)) throw SqlErrors.malformed('trust_domain_id', 'must have no path');
  const roots = bundle.rootCas ?? [];
  const keys = bundle.jwtSigningKeys ?? [];
  if (!Array.isArray(roots)) throw SqlErrors.malformed('root_cas', 'not a list');
  if (!Array.isArray(keys)) throw SqlErrors.malformed('jwt_signing_keys', 'not a list');
  return {
    trustDomainId: id,
    rootCas: roots.map((c: BundleCertificate, i) => ({ derBytes: bytesOf(`root_cas[${i}].der_bytes`, c?.derBytes), taintedKey: c.taintedKey === true })),
    jwtSigningKeys: keys.map((k: BundlePublicKey, i) => ({
      pkixBytes: bytesOf(`jwt_signing_keys[${i}].pkix_bytes`, k?.pkixBytes),
      kid: checkString(`jwt_signing_keys[${i}].kid`, k.kid, LIMITS.short),
      notAfter: checkTime(`jwt_signing_keys[${i}].not_after`, k.notAfter),
      taintedKey: k.taintedKey === true,
    })),
    refreshHint: checkInt('refresh_hint', bundle.refreshHint, 0, Number.MAX_SAFE_INTEGER),
    sequenceNumber: checkInt('sequence_number', bundle.sequenceNumber, 0, Number.MAX_SAFE_INTEGER),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Adds what `extra` has that `base` lacks; returns whether anything was added. */
export function mergeInto(base: Bundle, extra: Bundle): boolean {
  let changed = false;
  for (const c of extra.rootCas) {
    if (!base.rootCas.some((x) => sameBytes(x.derBytes, c.derBytes))) {
      base.rootCas.push(c);
      changed = true;
    }
  }
  for (const k of extra.jwtSigningKeys) {
    if (!base.jwtSigningKeys.some((x) => x.kid === k.kid && sameBytes(x.pkixBytes, k.pkixBytes))) {
      base.jwtSigningKeys.push(k);
      changed = true;
    }
  }
  return changed;
}

/** A root CA's subject key ID (lower-case hex) and expiry (Unix seconds). Throws INTERNAL when unparsable. */
export function rootCaFacts(der: Uint8Array): { subjectKeyId: string; notAfter: number } {
  try {
    const cert = new x509.X509Certificate(Buffer.from(der));
    const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
    return { subjectKeyId: ski ? ski.keyId.toLowerCase() : '', notAfter: Math.floor(cert.notAfter.getTime() / 1000) };
  } catch (err) {
    throw SqlErrors.badRootCa((err as Error).message);
  }
}
