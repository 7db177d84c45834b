import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { KeyManager, KeyType, PublicKey, SignerOpts } from './contract.js';
import { SpireError } from '../../errors.js';
import { HASHES, hashOf, signDigest } from './digest-signer.js';
import { KeyManagerErrors } from './errors.js';
import { generateKeyPairOfType, isKeyType, keyFingerprint, keyTypeOf, spkiDer } from './key-types.js';
import { EXPORT_FOR_WORKERS, type WorkerKeyMaterial, type WorkerKeySource } from './worker-keys.js';

/** One key held by an in-process KeyManager. */
export interface KeyEntry {
  id: string;
  type: KeyType;
  privateKey: KeyObject;
  publicKey: PublicKey;
}

/** Makes an entry from PKCS#8 DER; throws when the key is not one of the four key types. */
export function keyEntryFromPkcs8(id: string, pkcs8: Uint8Array): KeyEntry {
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return keyEntryFromKey(id, privateKey);
}

function keyEntryFromKey(id: string, privateKey: KeyObject): KeyEntry {
  const type = keyTypeOf(privateKey);
  if (!type) throw new Error(`unsupported key type for key "${id}"`);
  const pkixData = spkiDer(privateKey);
  return { id, type, privateKey, publicKey: { id, type, pkixData, fingerprint: keyFingerprint(pkixData) } };
}

/** PKCS#8 DER of an entry's private key. */
export function entryPkcs8(e: KeyEntry): Uint8Array {
  return new Uint8Array(e.privateKey.export({ format: 'der', type: 'pkcs8' }));
}

/**
 * The shared base of the disk and memory KeyManagers (SPIRE's keymanager "base"): keys live in
 * this process; `persist`, when given, is called with every entry after each change and before
 * the change is visible, so a failed write loses nothing (the old key stays in place).
 *
 * Implements the in-process signer keys capability (`EXPORT_FOR_WORKERS`) so the CA can sign in
 * its worker pool without a private-key operation on the main thread.
 */
export class InProcessKeyManager implements KeyManager, WorkerKeySource {
  private readonly entries = new Map<string, KeyEntry>();
  // Serialises generateKey so that concurrent writes of the keys file never interleave.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    initial: readonly KeyEntry[] = [],
    private readonly persist?: (entries: readonly KeyEntry[]) => Promise<void>,
  ) {
    for (const e of initial) this.entries.set(e.id, e);
  }

  /** Creates or replaces a key. Throws INVALID_ARGUMENT for a missing ID or unknown type. */
  generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (!keyId) return Promise.reject(KeyManagerErrors.keyIdRequired());
    if (!keyType) return Promise.reject(KeyManagerErrors.keyTypeRequired());
    if (!isKeyType(keyType)) return Promise.reject(KeyManagerErrors.unknownKeyType(keyId, String(keyType)));
    const run = async (): Promise<PublicKey> => {
      let entry: KeyEntry;
      try {
        const { privateKey } = await generateKeyPairOfType(keyType);
        entry = keyEntryFromKey(keyId, privateKey);
      } catch (err) {
        throw KeyManagerErrors.generateFailed(keyId, err);
      }
      if (this.persist) {
        const next = new Map(this.entries);
        next.set(keyId, entry);
        try {
          await this.persist([...next.values()]);
        } catch (err) {
          throw err instanceof SpireError ? err : KeyManagerErrors.persistFailed(err);
        }
      }
      this.entries.set(keyId, entry);
      return clonePublicKey(entry.publicKey);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Throws INVALID_ARGUMENT for an empty ID, NOT_FOUND for an unknown key. */
  async getPublicKey(keyId: string): Promise<PublicKey> {
    if (!keyId) throw KeyManagerErrors.keyIdRequired();
    const e = this.entries.get(keyId);
    if (!e) throw KeyManagerErrors.noSuchKey(keyId);
    return clonePublicKey(e.publicKey);
  }

  /** Every key, sorted by ID. */
  async getPublicKeys(): Promise<PublicKey[]> {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => clonePublicKey(e.publicKey));
  }

  /**
   * Signs a digest. Throws INVALID_ARGUMENT for missing options or a digest of the wrong length,
   * NOT_FOUND for an unknown key, INTERNAL when the signature fails.
   */
  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    if (!keyId) throw KeyManagerErrors.keyIdRequired();
    if (!opts) throw KeyManagerErrors.signerOptsRequired();
    const hash = hashOf(opts);
    if (!hash || !HASHES[hash]) throw KeyManagerErrors.hashAlgorithmRequired();
    const e = this.entries.get(keyId);
    if (!e) throw KeyManagerErrors.noSuchKey(keyId);
    if (!data || data.length !== HASHES[hash].size) throw KeyManagerErrors.badDigest(hash, HASHES[hash].size, data?.length ?? 0);
    try {
      return { signature: signDigest(e.privateKey, e.type, data, opts), keyFingerprint: e.publicKey.fingerprint };
    } catch (err) {
      throw KeyManagerErrors.signFailed(keyId, err);
    }
  }

  /** See WorkerKeySource. Throws NOT_FOUND for an unknown key. */
  async [EXPORT_FOR_WORKERS](keyId: string): Promise<WorkerKeyMaterial> {
    const e = this.entries.get(keyId);
    if (!e) throw KeyManagerErrors.noSuchKey(keyId);
    return { keyId, keyType: e.type, pkcs8: entryPkcs8(e), fingerprint: e.publicKey.fingerprint };
  }

  /** Forgets every key held in memory. Safe to call twice. */
  async close(): Promise<void> {
    await this.queue;
    this.entries.clear();
  }
}

function clonePublicKey(k: PublicKey): PublicKey {
  return { ...k, pkixData: new Uint8Array(k.pkixData) };
}
