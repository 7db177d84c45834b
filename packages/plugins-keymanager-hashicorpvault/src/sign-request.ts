/** SPIRE's choice of Transit hash and signature algorithm for a key type and signer options. */
import type { KeyType, SignerOpts } from '@spire-ts/core/plugin';
import type { TransitHash, TransitSignRequest } from './transit-client.js';

const HASH: Record<string, TransitHash> = { SHA256: 'sha2-256', SHA384: 'sha2-384', SHA512: 'sha2-512' };

/**
 * The Transit request for signing with a key of `keyType`: ECDSA keys use their curve's hash
 * (Vault has no prehashed "none" for ECDSA) and no signature algorithm; RSA keys take the asked
 * hash (SHA-256/384/512) with PKCS#1 v1.5, or PSS with the asked salt length (SPIRE leaves
 * Vault's default, the longest salt, which a verifier expecting a hash-length salt refuses). Throws an Error
 * with SPIRE's message for anything else.
 */
export function transitSignRequest(keyType: KeyType, opts: SignerOpts): TransitSignRequest {
  const isPss = 'pss' in opts;
  const hashAlgorithm = isPss ? opts.pss.hashAlgorithm : opts.hashAlgorithm;
  if (!hashAlgorithm) throw new Error('hash algorithm is required');
  if (keyType === 'ec-p256') return { hash: 'sha2-256' };
  if (keyType === 'ec-p384') return { hash: 'sha2-384' };
  const hash = HASH[hashAlgorithm];
  if (!hash) throw new Error(`unsupported combination of keytype: ${keyType} and hashing algorithm: ${hashAlgorithm}`);
  if (!isPss) return { hash, signatureAlgorithm: 'pkcs1v15' };
  // Go's PSSOptions: 0 lets the signer choose, -1 means the hash length.
  const n = opts.pss.saltLength;
  return { hash, signatureAlgorithm: 'pss', saltLength: n > 0 ? String(n) : n === -1 ? 'hash' : 'auto' };
}
