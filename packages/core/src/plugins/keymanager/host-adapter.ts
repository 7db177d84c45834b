import type { KeyManager, PublicKey } from './contract.js';
import { bytes } from '../wire-common.js';
import type * as msg from '../wire-messages.js';
import { keyTypeToMsg, publicKeyFromMsg, signerOptsToMsg } from './codec.js';
import { ExternalErrors } from '../external-errors.js';
import type { PluginConnection } from '../wire-connection.js';

/**
 * The KeyManager contract, served by an external plugin over spire.plugin.server.keymanager.v1.
 * getPublicKey throws NOT_FOUND (`key "<id>" not found`) for an empty answer, as SPIRE does.
 */
export function keyManagerAdapter(p: PluginConnection): KeyManager {
  return {
    async generateKey(keyId, keyType): Promise<PublicKey> {
      const req: msg.GenerateKeyRequest = { keyId, keyType: keyTypeToMsg(keyType) };
      const res = await p.unary<msg.GenerateKeyResponse__Output>('GenerateKey', req);
      return publicKeyFromMsg(res.publicKey);
    },
    async getPublicKey(keyId): Promise<PublicKey> {
      const req: msg.GetPublicKeyRequest = { keyId };
      const res = await p.unary<msg.GetPublicKeyResponse__Output>('GetPublicKey', req);
      // SPIRE's key managers answer an unknown key with no key rather than an error.
      if (!res.publicKey) throw ExternalErrors.keyNotFound(keyId);
      return publicKeyFromMsg(res.publicKey);
    },
    async getPublicKeys(): Promise<PublicKey[]> {
      const res = await p.unary<msg.GetPublicKeysResponse__Output>('GetPublicKeys', {});
      return (res.publicKeys ?? []).map(publicKeyFromMsg);
    },
    async signData(keyId, data, opts) {
      const req: msg.SignDataRequest = { keyId, data: Buffer.from(data), ...signerOptsToMsg(opts) };
      const res = await p.unary<msg.SignDataResponse__Output>('SignData', req);
      return { signature: bytes(res.signature), keyFingerprint: res.keyFingerprint ?? '' };
    },
    close: () => p.close(),
  };
}
