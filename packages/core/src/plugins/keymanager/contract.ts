import type { Closable, PluginDescriptor } from '../descriptor.js';
import { exactlyOne, type CountRule } from '../count-rule.js';
import { createServiceRef } from '../../di/service-ref.js';

/** Key types, named as spire.plugin.server.keymanager.v1.KeyType and as ca_key_type spells them. */
export type KeyType = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-4096';

/** Every key type, as ca_key_type and jwt_key_type spell them, in the order SPIRE lists them. */
export const KEY_TYPES: readonly KeyType[] = ['rsa-2048', 'rsa-4096', 'ec-p256', 'ec-p384'];

/** Hash algorithms a signature can be made over (the SDK's HashAlgorithm, by name). */
export type HashAlgorithm =
  | 'SHA224'
  | 'SHA256'
  | 'SHA384'
  | 'SHA512'
  | 'SHA3_224'
  | 'SHA3_256'
  | 'SHA3_384'
  | 'SHA3_512'
  | 'SHA512_224'
  | 'SHA512_256';

/** A managed key's public half. */
export interface PublicKey {
  id: string;
  type: KeyType;
  /** DER SubjectPublicKeyInfo. */
  pkixData: Uint8Array;
  /** A stable fingerprint of the key (hex SHA-256 of pkixData). */
  fingerprint: string;
}

/** How to sign: over a digest with a hash algorithm, or RSA-PSS with options. */
export type SignerOpts =
  | { hashAlgorithm: HashAlgorithm }
  | { pss: { saltLength: number; hashAlgorithm: HashAlgorithm } };

/**
 * The KeyManager contract (spire.plugin.server.keymanager.v1.KeyManager).
 * A private key never leaves the KeyManager.
 */
export interface KeyManager extends Closable {
  /** Creates or replaces the key with this ID. Replacing is how SPIRE rotates a slot's key. */
  generateKey(keyId: string, keyType: KeyType): Promise<PublicKey>;
  /** Throws NOT_FOUND when there is no such key. */
  getPublicKey(keyId: string): Promise<PublicKey>;
  getPublicKeys(): Promise<PublicKey[]>;
  /**
   * Signs `data`, which is already the digest for the given hash algorithm (as Go's crypto.Signer
   * receives it). ECDSA signatures are ASN.1 DER. Throws NOT_FOUND for an unknown key.
   */
  signData(keyId: string, data: Uint8Array, opts: SignerOpts): Promise<{ signature: Uint8Array; keyFingerprint: string }>;
}

/** DI token of the KeyManager. */
export const KEY_MANAGER = createServiceRef<KeyManager>('spire.KeyManager');

/** Exactly one KeyManager, as SPIRE. */
export const keyManagerCount: CountRule = exactlyOne;

/** Declares a KeyManager plugin. */
export function defineKeyManager<C>(
  d: Omit<PluginDescriptor<'KeyManager', KeyManager, C>, 'type'>,
): PluginDescriptor<'KeyManager', KeyManager, C> {
  return { ...d, type: 'KeyManager' };
}
