import { Code, errorCode, type KeyManager, wire } from '@spire-ts/core/plugin';

import { unary } from '../handlers.js';

const { bytes, keyTypeFromMsg, publicKeyToMsg, signerOptsFromMsg } = wire;

/** spire.plugin.server.keymanager.v1.KeyManager handlers over a KeyManager instance. */
export function keyManagerService(km: () => KeyManager): wire.msg.KeyManagerHandlers {
  return {
    GenerateKey: unary(async (req: wire.msg.GenerateKeyRequest__Output) => ({
      publicKey: publicKeyToMsg(await km().generateKey(req.keyId, keyTypeFromMsg(req.keyType))),
    })),
    // An unknown key is an empty answer, as SPIRE's own key managers give it (its host reads
    // that as NotFound); other errors are returned as they are.
    GetPublicKey: unary(async (req: wire.msg.GetPublicKeyRequest__Output) => {
      try {
        return { publicKey: publicKeyToMsg(await km().getPublicKey(req.keyId)) };
      } catch (err) {
        if (errorCode(err) === Code.NOT_FOUND) return {};
        throw err;
      }
    }),
    GetPublicKeys: unary(async () => ({ publicKeys: (await km().getPublicKeys()).map(publicKeyToMsg) })),
    SignData: unary(async (req: wire.msg.SignDataRequest__Output) => {
      const r = await km().signData(req.keyId, bytes(req.data), signerOptsFromMsg(req));
      return { signature: Buffer.from(r.signature), keyFingerprint: r.keyFingerprint };
    }),
  };
}
