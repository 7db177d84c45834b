/**
 * The narrow view of Key Vault the plugin uses, over @azure/keyvault-keys (KeyClient for key
 * management, CryptographyClient for signing). Every call is bounded by a timeout.
 */
import type { TokenCredential } from '@azure/identity';
import { CryptographyClient, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import type { KeyType } from '@spire-ts/core/plugin';

/** The public members of a Key Vault key (binary members as bytes). */
export interface VaultJwk {
  kty?: string;
  crv?: string;
  x?: Uint8Array;
  y?: Uint8Array;
  n?: Uint8Array;
  e?: Uint8Array;
}

/** A key as listed: name, tags and timestamps, no key material. */
export interface VaultKeyProperties {
  name: string;
  tags: Record<string, string>;
  updatedOn?: Date;
  enabled?: boolean;
}

/** A key version with its public key. */
export interface VaultKeyInfo extends VaultKeyProperties {
  kid: string;
  version: string;
  jwk: VaultJwk;
}

/** What the plugin asks of Key Vault. */
export interface VaultClient {
  /** Creates a signing key (key_ops sign and verify) with tags. */
  createKey(name: string, keyType: KeyType, tags: Record<string, string>): Promise<VaultKeyInfo>;
  /** A key version, or the newest when `version` is ''. */
  getKey(name: string, version: string): Promise<VaultKeyInfo>;
  /** Rewrites the key's operations (sign, verify) so that its Updated timestamp moves. */
  touchKey(name: string, version: string): Promise<void>;
  /** Every key of the vault, page by page. */
  listKeys(): AsyncIterable<VaultKeyProperties>;
  /** Signs a digest in the vault; the signature as Key Vault answers it. */
  sign(kid: string, algorithm: string, digest: Uint8Array): Promise<Uint8Array>;
  /** Deletes a key (all its versions; soft delete where the vault keeps deleted keys). */
  deleteKey(name: string): Promise<void>;
}

/**
 * True when the vault is reached at a loopback address (localhost, 127.0.0.0/8, ::1): such a
 * host has no parent domain for the SDK's challenge-resource check (the challenge's resource
 * must be a parent domain of the vault host), so the check is off for it alone. A token for a
 * loopback vault goes only to this machine.
 */
export function isLoopbackVault(vaultUri: string): boolean {
  const h = new URL(vaultUri).hostname;
  return h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

const CREATE: Record<KeyType, { kty: 'EC' | 'RSA'; curve?: 'P-256' | 'P-384'; keySize?: number }> = {
  'ec-p256': { kty: 'EC', curve: 'P-256' },
  'ec-p384': { kty: 'EC', curve: 'P-384' },
  'rsa-2048': { kty: 'RSA', keySize: 2048 },
  'rsa-4096': { kty: 'RSA', keySize: 4096 },
};

function info(k: KeyVaultKey): VaultKeyInfo {
  return {
    name: k.name,
    kid: k.id ?? k.key?.kid ?? '',
    version: k.properties.version ?? '',
    tags: k.properties.tags ?? {},
    ...(k.properties.updatedOn ? { updatedOn: k.properties.updatedOn } : {}),
    ...(k.properties.enabled !== undefined ? { enabled: k.properties.enabled } : {}),
    jwk: { kty: k.key?.kty, crv: k.key?.crv, x: k.key?.x, y: k.key?.y, n: k.key?.n, e: k.key?.e },
  };
}

/** The SDK clients of one vault with one credential; each call times out after `timeoutMs`. */
export function makeVaultClient(vaultUri: string, credential: TokenCredential, timeoutMs: number): VaultClient {
  const options = { disableChallengeResourceVerification: isLoopbackVault(vaultUri) };
  const keys = new KeyClient(vaultUri, credential, options);
  const signers = new Map<string, CryptographyClient>();
  const bounded = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
  return {
    async createKey(name, keyType, tags) {
      const c = CREATE[keyType];
      return info(await keys.createKey(name, c.kty, { ...c, keyOps: ['sign', 'verify'], tags, ...bounded() }));
    },
    async getKey(name, version) {
      return info(await keys.getKey(name, { ...(version ? { version } : {}), ...bounded() }));
    },
    async touchKey(name, version) {
      await keys.updateKeyProperties(name, version, { keyOps: ['sign', 'verify'], ...bounded() });
    },
    async *listKeys() {
      const pages = keys.listPropertiesOfKeys({ ...bounded() }).byPage();
      for await (const page of pages) {
        for (const p of page) {
          yield { name: p.name, tags: p.tags ?? {}, ...(p.updatedOn ? { updatedOn: p.updatedOn } : {}), ...(p.enabled !== undefined ? { enabled: p.enabled } : {}) };
        }
      }
    },
    async sign(kid, algorithm, digest) {
      let signer = signers.get(kid);
      if (!signer) signers.set(kid, (signer = new CryptographyClient(kid, credential, options)));
      return (await signer.sign(algorithm, digest, bounded())).result;
    },
    async deleteKey(name) {
      await keys.beginDeleteKey(name, bounded());
      for (const kid of signers.keys()) if (kid.includes(`/keys/${name}/`)) signers.delete(kid);
    },
  };
}
