import { fitEcdsaDigest, type KeyType, type SignerOpts } from '@spire-ts/core/plugin';
import { GcpKmsErrors as E } from './errors.js';

/**
 * The AsymmetricSign digest of a SignData request, as SPIRE maps it: PKCS#1 v1.5 or ECDSA over a
 * SHA-256 or SHA-384 digest (sent as that digest kind); PSS and other hashes are refused with
 * SPIRE's messages. Beyond SPIRE, an ECDSA key also signs a SHA-512 digest, or the other curve's,
 * fitted by `fitEcdsaDigest` and sent as the key's own digest kind (Cloud KMS accepts only that
 * kind for an EC key).
 */
export function signDigestFor(keyType: KeyType, data: Uint8Array, opts: SignerOpts): { field: 'sha256' | 'sha384'; digest: Uint8Array } {
  if ('pss' in opts) throw E.pssUnsupported();
  const hash = opts.hashAlgorithm;
  if (!hash) throw E.hashRequired();
  if (keyType === 'ec-p256' || keyType === 'ec-p384') {
    const field = keyType === 'ec-p256' ? 'sha256' : 'sha384';
    const digest = fitEcdsaDigest(keyType, hash, data);
    if (!digest) throw E.hashUnsupported();
    return { field, digest };
  }
  if (hash === 'SHA256') return { field: 'sha256', digest: data };
  if (hash === 'SHA384') return { field: 'sha384', digest: data };
  throw E.hashUnsupported();
}
