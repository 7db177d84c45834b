import { fitEcdsaDigest, type HashAlgorithm, type KeyType, type SignerOpts } from '@spire-ts/core/plugin';
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

/**
 * The KMS signing algorithm for a key type and signer options, as SPIRE maps them: RSA keys sign
 * SHA-256/384/512 digests with PKCS#1 v1.5, or with PSS when PSS options are given (KMS sets the
 * salt to the hash length); a P-256 key signs SHA-256 digests (ECDSA_SHA_256) and a P-384 key
 * SHA-384 digests (ECDSA_SHA_384).
 *
 * Beyond SPIRE (which refuses them), an ECDSA key also signs a SHA-512 digest, or the other
 * curve's, fitted by `fitEcdsaDigest` and sent with the key's own algorithm.
 *
 * Throws INVALID_ARGUMENT for any other combination, with SPIRE's message.
 */
export function kmsSignRequest(keyType: KeyType, digest: Uint8Array, opts: SignerOpts): KmsSignRequest {
  const pss = 'pss' in opts;
  const hash = pss ? opts.pss?.hashAlgorithm : (opts as { hashAlgorithm?: HashAlgorithm }).hashAlgorithm;
  if (pss && !opts.pss) throw AwsKmsErrors.badSignerOpts('PSS options are required');
  if (!hash) throw AwsKmsErrors.badSignerOpts('hash algorithm is required');
  const unsupported = () =>
    AwsKmsErrors.badSignerOpts(`unsupported combination of keytype: ${keyType} and hashing algorithm: ${hash}`);
  if (keyType === 'rsa-2048' || keyType === 'rsa-4096') {
    const algs = RSA[hash];
    if (!algs) throw unsupported();
    return { algorithm: pss ? algs[1] : algs[0], digest };
  }
  const algorithm = keyType === 'ec-p256' ? 'ECDSA_SHA_256' : 'ECDSA_SHA_384';
  const fitted = pss ? undefined : fitEcdsaDigest(keyType, hash, digest);
  if (!fitted) throw unsupported();
  return { algorithm, digest: fitted };
}
