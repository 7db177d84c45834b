import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyType } from '../../plugins/keymanager/contract.js';
import { children, decodeOid, readTlv } from '../../der.js';
import { OID } from './oids.js';

/** What the CA needs to know of a SubjectPublicKeyInfo. */
export interface SpkiInfo {
  algorithm: 'ec' | 'rsa' | 'ed25519' | 'other';
  /** For EC keys: the named curve OID. */
  curve?: string;
  /** The subjectPublicKey BIT STRING's bytes (without the unused-bits octet). */
  keyBits: Uint8Array;
}

/** Reads a DER SubjectPublicKeyInfo. Throws on malformed input. */
export function readSpki(spki: Uint8Array): SpkiInfo {
  const outer = readTlv(spki);
  if (outer.tag !== 0x30) throw new Error('public key is not a SubjectPublicKeyInfo');
  const [alg, key] = children(outer.content);
  if (!alg || !key || key.tag !== 0x03) throw new Error('public key is not a SubjectPublicKeyInfo');
  const [algId, params] = children(alg.content);
  const algOid = decodeOid(algId?.content ?? new Uint8Array());
  const algorithm = algOid === OID.ecPublicKey ? 'ec' : algOid === OID.rsaEncryption ? 'rsa' : algOid === OID.ed25519 ? 'ed25519' : 'other';
  const curve = algorithm === 'ec' && params?.tag === 0x06 ? decodeOid(params.content) : undefined;
  return { algorithm, ...(curve ? { curve } : {}), keyBits: key.content.subarray(1) };
}

const JWK_CURVES: Record<string, { crv: string; size: number }> = {
  [OID.prime256v1]: { crv: 'P-256', size: 32 },
  [OID.secp384r1]: { crv: 'P-384', size: 48 },
};

/**
 * A public KeyObject from a DER SubjectPublicKeyInfo. Uncompressed P-256/P-384 points are
 * imported as JWK coordinates, which skips OpenSSL 3's generic DER decoder (the slowest step of
 * CSR verification); anything else goes through the DER import. Both check the point is on the
 * curve. Throws on malformed keys.
 */
export function publicKeyFromSpki(spki: Uint8Array, info: SpkiInfo = readSpki(spki)): KeyObject {
  const c = info.curve ? JWK_CURVES[info.curve] : undefined;
  if (c && info.keyBits.length === 1 + 2 * c.size && info.keyBits[0] === 0x04) {
    const b = Buffer.from(info.keyBits.buffer, info.keyBits.byteOffset, info.keyBits.length);
    return createPublicKey({
      key: { kty: 'EC', crv: c.crv, x: b.subarray(1, 1 + c.size).toString('base64url'), y: b.subarray(1 + c.size).toString('base64url') },
      format: 'jwk',
    });
  }
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/**
 * The subject key identifier SPIRE uses: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2,
 * method 1).
 */
export function subjectKeyId(spki: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(readSpki(spki).keyBits).digest());
}

/** The signature algorithm (and its hash) the CA uses for a signing key type, as Go's x509 does. */
export function signatureAlgorithmFor(keyType: KeyType): { oid: string; hash: 'sha256' | 'sha384'; withNullParams: boolean } {
  switch (keyType) {
    case 'ec-p256':
      return { oid: OID.ecdsaWithSHA256, hash: 'sha256', withNullParams: false };
    case 'ec-p384':
      return { oid: OID.ecdsaWithSHA384, hash: 'sha384', withNullParams: false };
    default:
      return { oid: OID.sha256WithRSA, hash: 'sha256', withNullParams: true };
  }
}
