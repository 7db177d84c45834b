import { createPublicKey, type KeyObject } from 'node:crypto';
import { ECC_CURVES, hex16, TpmAlg } from './tpm-alg.js';
import { TpmReader } from './tpm-reader.js';

/** TPMT_SYM_DEF_OBJECT: the symmetric algorithm of a storage key (algorithm NULL for others). */
export interface TpmSymmetric {
  algorithm: number;
  keyBits: number;
  mode: number;
}

/** A signing or encryption scheme (TPMT_RSA_SCHEME / TPMT_ECC_SCHEME): scheme NULL has no hash. */
export interface TpmScheme {
  scheme: number;
  hashAlg: number;
}

/** A decoded TPMT_PUBLIC of an RSA or ECC key, with the exact bytes it was decoded from. */
export interface TpmPublic {
  type: typeof TpmAlg.RSA | typeof TpmAlg.ECC;
  nameAlg: number;
  attributes: number;
  authPolicy: Buffer;
  symmetric: TpmSymmetric;
  scheme: TpmScheme;
  /** RSA: key size in bits and exponent (0 means 65537), modulus. */
  rsa?: { keyBits: number; exponent: number; modulus: Buffer };
  /** ECC: TPM_ECC_CURVE and the point. */
  ecc?: { curveId: number; x: Buffer; y: Buffer };
  /** The marshalled TPMT_PUBLIC (what the object's Name hashes). */
  raw: Buffer;
}

function readSymmetric(r: TpmReader): TpmSymmetric {
  const algorithm = r.u16('symmetric algorithm');
  if (algorithm === TpmAlg.NULL) return { algorithm, keyBits: 0, mode: TpmAlg.NULL };
  return { algorithm, keyBits: r.u16('symmetric key bits'), mode: r.u16('symmetric mode') };
}

// Schemes with a hash as their only detail; ECDAA adds a count, RSAES has no detail at all.
function readScheme(r: TpmReader): TpmScheme {
  const scheme = r.u16('scheme');
  if (scheme === TpmAlg.NULL || scheme === TpmAlg.RSAES) return { scheme, hashAlg: TpmAlg.NULL };
  const hashAlg = r.u16('scheme hash');
  if (scheme === TpmAlg.ECDAA) r.u16('scheme count');
  return { scheme, hashAlg };
}

/**
 * Decodes a TPMT_PUBLIC (no TPM2B size prefix) of an RSA or ECC key. Throws Error when the bytes
 * are truncated, carry trailing data, or describe another key type.
 */
export function decodePublic(bytes: Uint8Array): TpmPublic {
  const raw = Buffer.from(bytes);
  const r = new TpmReader(raw);
  const type = r.u16('type');
  const nameAlg = r.u16('name algorithm');
  const attributes = r.u32('object attributes');
  const authPolicy = r.tpm2b('auth policy');
  let out: TpmPublic;
  if (type === TpmAlg.RSA) {
    const symmetric = readSymmetric(r);
    const scheme = readScheme(r);
    const keyBits = r.u16('RSA key bits');
    const exponent = r.u32('RSA exponent');
    const modulus = r.tpm2b('RSA modulus');
    out = { type, nameAlg, attributes, authPolicy, symmetric, scheme, rsa: { keyBits, exponent, modulus }, raw };
  } else if (type === TpmAlg.ECC) {
    const symmetric = readSymmetric(r);
    const scheme = readScheme(r);
    const curveId = r.u16('ECC curve');
    const kdf = r.u16('ECC KDF scheme');
    if (kdf !== TpmAlg.NULL) r.u16('ECC KDF hash');
    const x = r.tpm2b('ECC point x');
    const y = r.tpm2b('ECC point y');
    out = { type, nameAlg, attributes, authPolicy, symmetric, scheme, ecc: { curveId, x, y }, raw };
  } else {
    throw new Error(`unsupported key type 0x${hex16(type)}`);
  }
  r.end('public area');
  return out;
}

const b64url = (b: Buffer) => b.toString('base64url');

function leftPad(b: Buffer, size: number): Buffer {
  if (b.length > size) throw new Error('ECC coordinate larger than the curve');
  return Buffer.concat([Buffer.alloc(size - b.length), b]);
}

/**
 * The public key of a decoded TPMT_PUBLIC as a node:crypto KeyObject. Throws Error when the
 * modulus is empty or the curve is not NIST P-256/384/521 or the point is not on it.
 */
export function publicKeyOf(pub: TpmPublic): KeyObject {
  if (pub.rsa) {
    if (pub.rsa.modulus.length === 0) throw new Error('empty RSA modulus');
    const e = pub.rsa.exponent === 0 ? 65537 : pub.rsa.exponent;
    const eBytes = Buffer.alloc(4);
    eBytes.writeUInt32BE(e);
    let i = 0;
    while (i < 3 && eBytes[i] === 0) i++;
    return createPublicKey({ key: { kty: 'RSA', n: b64url(pub.rsa.modulus), e: b64url(eBytes.subarray(i)) }, format: 'jwk' });
  }
  const ecc = pub.ecc!;
  const curve = ECC_CURVES.get(ecc.curveId);
  if (!curve) throw new Error(`unsupported ECC curve 0x${hex16(ecc.curveId)}`);
  return createPublicKey({
    key: { kty: 'EC', crv: curve.crv, x: b64url(leftPad(ecc.x, curve.size)), y: b64url(leftPad(ecc.y, curve.size)) },
    format: 'jwk',
  });
}

/** True when every bit of `mask` is set in the public area's attributes. */
export function hasAttributes(pub: TpmPublic, mask: number): boolean {
  return (pub.attributes & mask) === mask;
}
