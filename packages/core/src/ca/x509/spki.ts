import { createHash } from 'node:crypto';
import type { KeyType } from '../../plugins/keymanager/contract.js';
import { children, decodeOid, readTlv } from './der.js';
import { OID } from './oids.js';

/** What the CA needs to know of a SubjectPublicKeyInfo. */
export interface SpkiInfo {
  algorithm: 'ec' | 'rsa' | 'other';
  /** The subjectPublicKey BIT STRING's bytes (without the unused-bits octet). */
  keyBits: Uint8Array;
}

/** Reads a DER SubjectPublicKeyInfo. Throws on malformed input. */
export function readSpki(spki: Uint8Array): SpkiInfo {
  const outer = readTlv(spki);
  if (outer.tag !== 0x30) throw new Error('public key is not a SubjectPublicKeyInfo');
  const [alg, key] = children(outer.content);
  if (!alg || !key || key.tag !== 0x03) throw new Error('public key is not a SubjectPublicKeyInfo');
  const algOid = decodeOid(children(alg.content)[0]?.content ?? new Uint8Array());
  const algorithm = algOid === OID.ecPublicKey ? 'ec' : algOid === OID.rsaEncryption ? 'rsa' : 'other';
  return { algorithm, keyBits: key.content.subarray(1) };
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
