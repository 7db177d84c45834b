import type { KeyManager, PublicKey } from './contract.js';
import { bytes } from '../wire-common.js';
import { keyTypeToMsg, publicKeyFromMsg, signerOptsToMsg, type PublicKeyMsg } from './codec.js';
import { ExternalErrors } from '../external-errors.js';
import type { PluginConnection } from '../wire-connection.js';

/**
 * The KeyManager contract, served by an external plugin over spire.plugin.server.keymanager.v1.
 * getPublicKey throws NOT_FOUND (`key "<id>" not found`) for an empty answer, as SPIRE does.
 */
export function keyManagerAdapter(p: PluginConnection): KeyManager {
  return {
    async generateKey(keyId, keyType): Promise<PublicKey> {
      const res = await p.unary<{ publicKey?: PublicKeyMsg }>('GenerateKey', { keyId, keyType: keyTypeToMsg(keyType) });
      return publicKeyFromMsg(res.publicKey);
    },
    async getPublicKey(keyId): Promise<PublicKey> {
      const res = await p.unary<{ publicKey?: PublicKeyMsg | null }>('GetPublicKey', { keyId });
      // SPIRE's key managers answer an unknown key with no key rather than an error.
      if (!res.publicKey) throw ExternalErrors.keyNotFound(keyId);
      return publicKeyFromMsg(res.publicKey);
    },
    async getPublicKeys(): Promise<PublicKey[]> {
      const res = await p.unary<{ publicKeys?: PublicKeyMsg[] }>('GetPublicKeys', {});
      return (res.publicKeys ?? []).map(publicKeyFromMsg);
    },
    async signData(keyId, data, opts) {
      const res = await p.unary<{ signature?: Uint8Array; keyFingerprint?: string }>('SignData', {
        keyId,
        data: Buffer.from(data),
        ...signerOptsToMsg(opts),
      });
      return { signature: bytes(res.signature), keyFingerprint: res.keyFingerprint ?? '' };
    },
    close: () => p.close(),
  };
}
