import { constants, createHash, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import type { HashAlgorithm, KeyType, SignerOpts } from './contract.js';
import { concat, nul, octets, oid, seq } from '../../der.js';

/** node:crypto digest names and DigestInfo OIDs of the contract's hash algorithms. */
export const HASHES: Record<HashAlgorithm, { node: string; oid: string; size: number }> = {
  SHA224: { node: 'sha224', oid: '2.16.840.1.101.3.4.2.4', size: 28 },
  SHA256: { node: 'sha256', oid: '2.16.840.1.101.3.4.2.1', size: 32 },
  SHA384: { node: 'sha384', oid: '2.16.840.1.101.3.4.2.2', size: 48 },
  SHA512: { node: 'sha512', oid: '2.16.840.1.101.3.4.2.3', size: 64 },
  SHA512_224: { node: 'sha512-224', oid: '2.16.840.1.101.3.4.2.5', size: 28 },
  SHA512_256: { node: 'sha512-256', oid: '2.16.840.1.101.3.4.2.6', size: 32 },
  SHA3_224: { node: 'sha3-224', oid: '2.16.840.1.101.3.4.2.7', size: 28 },
  SHA3_256: { node: 'sha3-256', oid: '2.16.840.1.101.3.4.2.8', size: 32 },
  SHA3_384: { node: 'sha3-384', oid: '2.16.840.1.101.3.4.2.9', size: 48 },
  SHA3_512: { node: 'sha3-512', oid: '2.16.840.1.101.3.4.2.10', size: 64 },
};

/** The hash algorithm of signer options. */
export function hashOf(opts: SignerOpts): HashAlgorithm {
  return 'pss' in opts ? opts.pss.hashAlgorithm : opts.hashAlgorithm;
}

function mgf1(seed: Uint8Array, length: number, hash: string): Uint8Array {
  const out = new Uint8Array(length);
  let off = 0;
  for (let counter = 0; off < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.set(block.subarray(0, Math.min(block.length, length - off)), off);
    off += block.length;
  }
  return out;
}

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1) over an already computed message hash. */
function emsaPss(mHash: Uint8Array, modBits: number, hash: string, hLen: number, saltLength: number): Uint8Array {
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // Go's conventions: 0 = as long as fits (when signing), -1 = the hash length.
  const sLen = saltLength === -1 ? hLen : saltLength === 0 ? emLen - hLen - 2 : saltLength;
  if (sLen < 0 || emLen < hLen + sLen + 2) throw new Error('PSS salt length too large for the key');
  const salt = randomBytes(sLen);
  const h = createHash(hash).update(new Uint8Array(8)).update(mHash).update(salt).digest();
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  db.set(salt, emLen - sLen - hLen - 1);
  const mask = mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return concat([db, h, Uint8Array.of(0xbc)]);
}

/**
 * Signs an already computed digest, as Go's crypto.Signer does: ECDSA (ASN.1 DER signature),
 * RSA PKCS#1 v1.5 or RSA-PSS. Node's crypto.sign always hashes its input, so ECDSA goes through
 * @noble/curves (prehash off) and RSA through the raw private-key primitive with the padding built
 * here. Throws when the digest length does not match the hash algorithm.
 *
 * This is a private-key operation: call it only inside a KeyManager or a signing worker.
 */
export function signDigest(key: KeyObject, keyType: KeyType, digest: Uint8Array, opts: SignerOpts): Uint8Array {
  const hashAlg = hashOf(opts);
  const h = HASHES[hashAlg];
  if (!h) throw new Error(`unsupported hash algorithm ${String(hashAlg)}`);
  if (digest.length !== h.size) {
    throw new Error(`digest is ${digest.length} bytes; ${hashAlg} digests are ${h.size} bytes`);
  }
  if (keyType === 'ec-p256' || keyType === 'ec-p384') {
    if ('pss' in opts) throw new Error('PSS options are only valid for RSA keys');
    const d = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
    const curve = keyType === 'ec-p256' ? p256 : p384;
    return curve.sign(digest, d, { prehash: false, format: 'der' });
  }
  const modBits = key.asymmetricKeyDetails?.modulusLength ?? (keyType === 'rsa-2048' ? 2048 : 4096);
  if ('pss' in opts) {
    const em = emsaPss(digest, modBits, h.node, h.size, opts.pss.saltLength);
    const k = Math.ceil(modBits / 8);
    const padded = em.length < k ? concat([new Uint8Array(k - em.length), em]) : em;
    return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, padded));
  }
  const digestInfo = seq(seq(oid(h.oid), nul()), octets(digest));
  return new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo));
}
