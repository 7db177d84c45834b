/**
 * The key material of the emulated KMS: node:crypto key pairs of the four asymmetric signing key
 * specs SPIRE uses, and signing of a prehashed digest with each KMS signing algorithm.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { signDigest, type HashAlgorithm, type KeyType } from '@spire-ts/core/plugin';
import { AwsError } from './protocol.js';

/** The asymmetric signing key specs the emulator can create. */
export type KmsKeySpec = 'RSA_2048' | 'RSA_4096' | 'ECC_NIST_P256' | 'ECC_NIST_P384';

const SPEC_TYPE: Record<KmsKeySpec, KeyType> = {
  RSA_2048: 'rsa-2048',
  RSA_4096: 'rsa-4096',
  ECC_NIST_P256: 'ec-p256',
  ECC_NIST_P384: 'ec-p384',
};

const RSA_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

/** The signing algorithms KMS offers for each key spec (as GetPublicKey lists them). */
export const SIGNING_ALGORITHMS: Record<KmsKeySpec, string[]> = {
  RSA_2048: RSA_ALGORITHMS,
  RSA_4096: RSA_ALGORITHMS,
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
};

const ALGORITHM_HASH: Record<string, { hash: HashAlgorithm; size: number; pss: boolean }> = {
  ECDSA_SHA_256: { hash: 'SHA256', size: 32, pss: false },
  ECDSA_SHA_384: { hash: 'SHA384', size: 48, pss: false },
  RSASSA_PKCS1_V1_5_SHA_256: { hash: 'SHA256', size: 32, pss: false },
  RSASSA_PKCS1_V1_5_SHA_384: { hash: 'SHA384', size: 48, pss: false },
  RSASSA_PKCS1_V1_5_SHA_512: { hash: 'SHA512', size: 64, pss: false },
  RSASSA_PSS_SHA_256: { hash: 'SHA256', size: 32, pss: true },
  RSASSA_PSS_SHA_384: { hash: 'SHA384', size: 48, pss: true },
  RSASSA_PSS_SHA_512: { hash: 'SHA512', size: 64, pss: true },
};

/** True when `s` is a key spec the emulator can create. */
export function isKmsKeySpec(s: unknown): s is KmsKeySpec {
  return typeof s === 'string' && s in SPEC_TYPE;
}

/** Generates a key pair of the spec (on libuv's pool). */
export function generateKmsKeyPair(spec: KmsKeySpec): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(err) : resolve({ privateKey, publicKey });
    if (spec === 'ECC_NIST_P256') generateKeyPair('ec', { namedCurve: 'P-256' }, done);
    else if (spec === 'ECC_NIST_P384') generateKeyPair('ec', { namedCurve: 'P-384' }, done);
    else generateKeyPair('rsa', { modulusLength: spec === 'RSA_2048' ? 2048 : 4096 }, done);
  });
}

/**
 * Signs a digest as KMS `Sign` with `MessageType=DIGEST` does: the algorithm must be one the
 * key spec offers (else InvalidKeyUsageException) and the digest must be as long as the
 * algorithm's hash (else ValidationException). RSA-PSS uses a salt as long as the hash.
 */
export function signKmsDigest(privateKey: KeyObject, spec: KmsKeySpec, algorithm: string, digest: Uint8Array): Uint8Array {
  const alg = ALGORITHM_HASH[algorithm];
  if (!alg) throw new AwsError('ValidationException', `1 validation error detected: Value '${algorithm}' at 'signingAlgorithm' failed to satisfy constraint`);
  if (!SIGNING_ALGORITHMS[spec].includes(algorithm)) {
    throw new AwsError('InvalidKeyUsageException', `signing algorithm ${algorithm} is not compatible with a ${spec} key`);
  }
  if (digest.length !== alg.size) {
    throw new AwsError('ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
  }
  const opts = alg.pss ? { pss: { saltLength: alg.size, hashAlgorithm: alg.hash } } : { hashAlgorithm: alg.hash };
  return signDigest(privateKey, SPEC_TYPE[spec], digest, opts);
}
