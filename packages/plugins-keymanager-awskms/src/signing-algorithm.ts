import type { KeyType, SignerOpts } from '@spire-ts/core/plugin';
import { AwsKmsErrors } from './errors.js';

/** What one KMS Sign call gets: the algorithm and the digest to send. */
export interface KmsSignRequest {
  algorithm: string;
  digest: Uint8Array;
}

const RSA: Record<string, [string, string]> = {
  SHA256: ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PSS_SHA_256'],
  SHA384: ['RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PSS_SHA_384'],
  SHA512: ['RSASSA_PKCS1_V1_5_SHA_512', 'RSASSA_PSS_SHA_512'],
};

/** Digest sizes of the hashes an ECDSA signature may be asked over. */
const SHA2_SIZE: Record<string, number> = { SHA256: 32, SHA384: 48, SHA512: 64 };

/**
 * The KMS signing algorithm for a key type and signer options, as SPIRE maps them: RSA keys sign
 * SHA-256/384/512 digests with PKCS#1 v1.5, or with PSS when PSS options are given (KMS sets the
 * salt to the hash length); a P-256 key signs SHA-256 digests (ECDSA_SHA_256) and a P-384 key
 * SHA-384 digests (ECDSA_SHA_384).
 *
 * Beyond SPIRE (which refuses them), an ECDSA key also signs a SHA-2 digest of another length, as
 * ECDSA itself defines it: the digest is cut to its leftmost bytes when longer than the curve
 * order, or left-padded with zeros when shorter (the same integer), and sent with the key's own
 * algorithm. The signature verifies as ECDSA with the requested hash. SPIRE's CA never asks for
 * such a pair; the KeyManager contract does.
 *
 * Throws INVALID_ARGUMENT for any other combination, with SPIRE's message.
 */
export function kmsSignRequest(keyType: KeyType, digest: Uint8Array, opts: SignerOpts): KmsSignRequest {
  const pss = 'pss' in opts;
  const hash = pss ? opts.pss?.hashAlgorithm : (opts as { hashAlgorithm?: string }).hashAlgorithm;
  if (pss && !opts.pss) throw AwsKmsErrors.badSignerOpts('PSS options are required');
  if (!hash) throw AwsKmsErrors.badSignerOpts('hash algorithm is required');
  const unsupported = () =>
    AwsKmsErrors.badSignerOpts(`unsupported combination of keytype: ${keyType} and hashing algorithm: ${hash}`);
  if (keyType === 'rsa-2048' || keyType === 'rsa-4096') {
    const algs = RSA[hash];
    if (!algs) throw unsupported();
    return { algorithm: pss ? algs[1] : algs[0], digest };
  }
  const size = SHA2_SIZE[hash];
  const orderBytes = keyType === 'ec-p256' ? 32 : 48;
  const algorithm = keyType === 'ec-p256' ? 'ECDSA_SHA_256' : 'ECDSA_SHA_384';
  if (pss || size === undefined) throw unsupported();
  // KMS itself checks the digest length of the key's own hash.
  if (size === orderBytes) return { algorithm, digest };
  if (digest.length !== size) throw unsupported();
  if (size > orderBytes) return { algorithm, digest: digest.subarray(0, orderBytes) };
  const padded = new Uint8Array(orderBytes);
  padded.set(digest, orderBytes - size);
  return { algorithm, digest: padded };
}
