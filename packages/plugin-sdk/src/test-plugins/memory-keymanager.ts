import { createHash, createPublicKey, generateKeyPairSync, privateEncrypt, constants, type KeyObject } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { Code, ConfigReader, SpireError, defineKeyManager, type KeyManager, type KeyType, type PublicKey, type SignerOpts } from '../index.js';

interface Held {
  type: KeyType;
  privateKey: KeyObject;
  pub: PublicKey;
}

// DER DigestInfo prefixes (RFC 8017 section 9.2, note 1) for PKCS#1 v1.5 over a given digest.
const DIGEST_INFO: Record<string, string> = {
  SHA224: '302d300d06096086480165030402040500041c',
  SHA256: '3031300d060960864801650304020105000420',
  SHA384: '3041300d060960864801650304020205000430',
  SHA512: '3051300d060960864801650304020305000440',
};

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
  }
}

/**
 * A KeyManager that keeps keys in process memory, for tests of the external-plugin path.
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
    const k = this.keys.get(keyId);
    if (!k) throw new SpireError(Code.NOT_FOUND, `no such key "${keyId}"`);
    return k.pub;
  }

  async getPublicKeys(): Promise<PublicKey[]> {
    return [...this.keys.values()].map((k) => k.pub);
  }

  async signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }> {
    const k = this.keys.get(keyId);
    if (!k) throw new SpireError(Code.NOT_FOUND, `no such key "${keyId}"`);
    if ('pss' in opts) throw new SpireError(Code.UNIMPLEMENTED, 'RSA-PSS is not supported by this test key manager');
    let signature: Uint8Array;
    if (k.type === 'ec-p256' || k.type === 'ec-p384') {
      const d = Buffer.from(k.privateKey.export({ format: 'jwk' }).d!, 'base64url');
      const curve = k.type === 'ec-p256' ? p256 : p384;
      signature = curve.sign(data, d, { prehash: false, format: 'der' });
    } else {
      const prefix = DIGEST_INFO[opts.hashAlgorithm];
      if (!prefix) throw new SpireError(Code.INVALID_ARGUMENT, `unsupported hash algorithm ${opts.hashAlgorithm}`);
      signature = privateEncrypt(
        { key: k.privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([Buffer.from(prefix, 'hex'), Buffer.from(data)]),
      );
    }
    return { signature, keyFingerprint: k.pub.fingerprint };
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
