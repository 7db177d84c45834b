import type { KeyType, SignerOpts } from '@spire-ts/core/plugin';
import { GcpKmsErrors as E } from './errors.js';

const SHA2_SIZE: Record<string, number> = { SHA256: 32, SHA384: 48, SHA512: 64 };

/**
 * The AsymmetricSign digest of a SignData request, as SPIRE maps it: PKCS#1 v1.5 or ECDSA over a
 * SHA-256 or SHA-384 digest (sent as that digest kind); PSS and other hashes are refused with
 * SPIRE's messages. Beyond SPIRE, an ECDSA key also signs a SHA-2 digest of another length, as
 * ECDSA defines it: cut to its leftmost bytes when longer than the curve order, left-padded with
 * zeros when shorter (the same integer), and sent as the key's own digest kind (Cloud KMS accepts
 * only that kind for an EC key). The signature verifies as ECDSA with the requested hash.
 */
export function signDigestFor(keyType: KeyType, data: Uint8Array, opts: SignerOpts): { field: 'sha256' | 'sha384'; digest: Uint8Array } {
  if ('pss' in opts) throw E.pssUnsupported();
  const hash = opts.hashAlgorithm;
  if (!hash) throw E.hashRequired();
  if (keyType === 'ec-p256' || keyType === 'ec-p384') {
    const size = SHA2_SIZE[hash];
    if (size === undefined) throw E.hashUnsupported();
    const order = keyType === 'ec-p256' ? 32 : 48;
    const field = keyType === 'ec-p256' ? 'sha256' : 'sha384';
    if (size === order || data.length !== size) return { field, digest: data };
    if (size > order) return { field, digest: data.subarray(0, order) };
    const padded = new Uint8Array(order);
    padded.set(data, order - size);
    return { field, digest: padded };
  }
  if (hash === 'SHA256') return { field: 'sha256', digest: data };
  if (hash === 'SHA384') return { field: 'sha384', digest: data };
  throw E.hashUnsupported();
}
