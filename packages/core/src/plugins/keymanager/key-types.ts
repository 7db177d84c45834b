import { createHash, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { KEY_TYPES, type KeyType } from './contract.js';

/** True when `s` is a key type name. */
export function isKeyType(s: unknown): s is KeyType {
  return typeof s === 'string' && (KEY_TYPES as readonly string[]).includes(s);
}

/**
 * Generates a key pair of the given type. Runs on libuv's thread pool (node:crypto's async
 * generateKeyPair), never on the JavaScript main thread.
 */
export function generateKeyPairOfType(keyType: KeyType): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(err) : resolve({ privateKey, publicKey });
    switch (keyType) {
      case 'ec-p256':
        generateKeyPair('ec', { namedCurve: 'P-256' }, done);
        break;
      case 'ec-p384':
        generateKeyPair('ec', { namedCurve: 'P-384' }, done);
        break;
      case 'rsa-2048':
        generateKeyPair('rsa', { modulusLength: 2048 }, done);
        break;
      case 'rsa-4096':
        generateKeyPair('rsa', { modulusLength: 4096 }, done);
        break;
      default:
        reject(new Error(`unknown key type ${String(keyType)}`));
    }
  });
}

/** The key type of a key object, or undefined when it is none of the four supported. */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (d?.namedCurve === 'prime256v1' || d?.namedCurve === 'P-256') return 'ec-p256';
    if (d?.namedCurve === 'secp384r1' || d?.namedCurve === 'P-384') return 'ec-p384';
    return undefined;
  }
  if (key.asymmetricKeyType === 'rsa') {
    if (d?.modulusLength === 2048) return 'rsa-2048';
    if (d?.modulusLength === 4096) return 'rsa-4096';
  }
  return undefined;
}

/** DER SubjectPublicKeyInfo of a public or private key. */
export function spkiDer(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(pub.export({ format: 'der', type: 'spki' }));
}

/** The fingerprint the KeyManager contract uses: hex SHA-256 of the DER SubjectPublicKeyInfo. */
export function keyFingerprint(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/** True for EC key types. */
export function isEcKeyType(t: KeyType): boolean {
  return t === 'ec-p256' || t === 'ec-p384';
}
