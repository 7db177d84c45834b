import { createHash, createPublicKey } from 'node:crypto';
import type { KeyType, PublicKey } from '@spire-ts/core/plugin';
import { AzureKeyVaultErrors } from './errors.js';
import type { VaultJwk } from './vault-client.js';

/** One of this server's keys as the plugin caches it. */
export interface KeyEntry {
  /** The key identifier (`https://<vault>/keys/<name>/<version>`). */
  kid: string;
  keyName: string;
  keyVersion: string;
  publicKey: PublicKey;
}

const b64u = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64url');
/** Managed HSM answers "RSA-HSM" and "EC-HSM". */
const family = (kty: string | undefined) => kty?.replace(/-HSM$/, '');

/** The SPIRE key type of a Key Vault public key, as SPIRE infers it; undefined for any other. */
export function keyTypeOfJwk(jwk: VaultJwk): KeyType | undefined {
  const kty = family(jwk.kty);
  if (kty === 'RSA' && jwk.n?.length === 256) return 'rsa-2048';
  if (kty === 'RSA' && jwk.n?.length === 512) return 'rsa-4096';
  if (kty === 'EC' && jwk.crv === 'P-256') return 'ec-p256';
  if (kty === 'EC' && jwk.crv === 'P-384') return 'ec-p384';
  return undefined;
}

/** A short description of a key spec for SPIRE's "unsupported key spec" message. */
export function describeJwk(jwk: VaultJwk): string {
  return `kty:${String(jwk.kty)} crv:${String(jwk.crv ?? '')} n:${jwk.n?.length ?? 0} bytes`;
}

/** The DER SubjectPublicKeyInfo of a Key Vault public key. Throws INTERNAL when it is malformed. */
export function pkixOfJwk(jwk: VaultJwk): Uint8Array {
  const kty = family(jwk.kty);
  try {
    const key =
      kty === 'EC'
        ? createPublicKey({ key: { kty: 'EC', crv: jwk.crv, x: b64u(jwk.x), y: b64u(jwk.y) }, format: 'jwk' })
        : createPublicKey({ key: { kty: 'RSA', n: b64u(jwk.n), e: b64u(jwk.e) }, format: 'jwk' });
    return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  } catch (e) {
    throw AzureKeyVaultErrors.badPublicKey(e);
  }
}

/** A cache entry for a key of `keyType` read from the vault. */
export function makeEntry(spireKeyId: string, keyType: KeyType, kid: string, keyName: string, keyVersion: string, jwk: VaultJwk): KeyEntry {
  const pkix = pkixOfJwk(jwk);
  return {
    kid,
    keyName,
    keyVersion,
    publicKey: { id: spireKeyId, type: keyType, pkixData: pkix, fingerprint: createHash('sha256').update(pkix).digest('hex') },
  };
}
