import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  Code,
  ConfigReader,
  SpireError,
  defineKeyManager,
  signDigest,
  type KeyManager,
  type KeyType,
  type PublicKey,
  type SignerOpts,
} from '../index.js';

interface Held {
  type: KeyType;
  privateKey: KeyObject;
  pub: PublicKey;
}

function generate(type: KeyType): KeyObject {
  switch (type) {
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'rsa-4096':
      return generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey;
    default:
      throw new SpireError(Code.INVALID_ARGUMENT, `unsupported key type "${String(type)}"`);
  }
}

/**
 * A KeyManager that keeps keys in process memory, for tests of the external-plugin path. Signs
 * digests (ECDSA, RSA PKCS#1 v1.5, RSA-PSS) with core's `signDigest`.
 * `crash_on_key_id`: generating a key with this ID makes the process exit with status 3.
 */
class MemoryKeyManager implements KeyManager {
  private readonly keys = new Map<string, Held>();

  constructor(private readonly crashOn: string | undefined) {}

  async generateKey(keyId: string, keyType: KeyType): Promise<PublicKey> {
    if (keyId === '') throw new SpireError(Code.INVALID_ARGUMENT, 'key id is required');
    if (this.crashOn !== undefined && keyId === this.crashOn) process.exit(3);
    const privateKey = generate(keyType);
    const pkixData = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
    const pub: PublicKey = { id: keyId, type: keyType, pkixData, fingerprint: createHash('sha256').update(pkixData).digest('hex') };
    this.keys.set(keyId, { type: keyType, privateKey, pub });
    return pub;
  }

  async getPublicKey(keyId: string): Promise<PublicKey> {
    return this.held(keyId).pub;
  }

  async getPublicKeys(): Promise<PublicKey[]> {
    return [...this.keys.values()].map((k) => k.pub);
  }

  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    const k = this.held(keyId);
    let signature: Uint8Array;
    try {
      signature = signDigest(k.privateKey, k.type, data, opts);
    } catch (err) {
      // Bad digest length, PSS options for an EC key, a salt too long for the key.
      throw new SpireError(Code.INVALID_ARGUMENT, `unable to sign data: ${(err as Error).message}`);
    }
    return { signature, keyFingerprint: k.pub.fingerprint };
  }

  private held(keyId: string): Held {
    if (keyId === '') throw new SpireError(Code.INVALID_ARGUMENT, 'key id is required');
    const k = this.keys.get(keyId);
    if (!k) throw new SpireError(Code.NOT_FOUND, `no such key "${keyId}"`);
    return k;
  }
}

/** The test KeyManager's descriptor. Options: `crash_on_key_id` (string). */
export const memoryKeyManager = defineKeyManager({
  name: 'memory_test',
  parseConfig: (raw) => {
    const r = new ConfigReader(raw);
    const crashOn = r.string('crash_on_key_id');
    return r.result({ crashOn });
  },
  create: ({ config, log }) => {
    log.info({ crash_on_key_id: config.crashOn ?? '' }, 'Memory test key manager configured');
    return new MemoryKeyManager(config.crashOn);
  },
});
