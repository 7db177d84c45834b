import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyManagerAdapter } from '../../plugins/keymanager/host-adapter.js';
import { publicKeyToMsg, signerOptsFromMsg } from '../../plugins/keymanager/codec.js';
import type { ExternalPlugin } from '../../catalog/external/external-plugin.js';
import { Code } from '../../errors.js';
import type { KeyManager } from '../../plugins/keymanager/contract.js';
import { InProcessKeyManager } from '../../plugins/keymanager/in-process-key-manager.js';
import { newWorld, startManager } from '../test-support/manager-fixture.js';

/**
 * An external KeyManager as SPIRE's own disk and memory key managers answer on the wire: an
 * unknown key in GetPublicKey is an empty response, not an error.
 */
function spireStyleExternal(km: InProcessKeyManager): KeyManager {
  const plugin = {
    async unary(method: string, req: Record<string, unknown>) {
      switch (method) {
        case 'GenerateKey':
          return { publicKey: publicKeyToMsg(await km.generateKey(req.keyId as string, 'ec-p256')) };
        case 'GetPublicKey': {
          const all = await km.getPublicKeys();
          const k = all.find((x) => x.id === req.keyId);
          return k ? { publicKey: publicKeyToMsg(k) } : {};
        }
        case 'GetPublicKeys':
          return { publicKeys: (await km.getPublicKeys()).map(publicKeyToMsg) };
        case 'SignData': {
          // As proto-loader decodes the oneof: it names the field that is set.
          const opts = signerOptsFromMsg({ ...req, signerOpts: req.pssOptions ? 'pssOptions' : 'hashAlgorithm' } as never);
          const r = await km.signData(req.keyId as string, req.data as Uint8Array, opts);
          return { signature: Buffer.from(r.signature), keyFingerprint: r.keyFingerprint };
        }
        default:
          throw new Error(`unexpected ${method}`);
      }
    },
    async close() {},
  };
  return keyManagerAdapter(plugin as unknown as ExternalPlugin);
}

describe('an external KeyManager that answers GetPublicKey for an unknown key with an empty response', () => {
  it('is read as NOT_FOUND `key "<id>" not found`, as SPIRE reads it', async () => {
    const km = spireStyleExternal(new InProcessKeyManager());
    await assert.rejects(km.getPublicKey('x509-CA-A'), { code: Code.NOT_FOUND, message: 'key "x509-CA-A" not found' });
  });

  it('does not stop start-up when its keys are gone: the CA manager makes new ones, as SPIRE does', async () => {
    const w = newWorld();
    w.km = spireStyleExternal(new InProcessKeyManager());
    const first = await startManager(w);
    const before = first.m.getX509AuthorityState().active!.authorityId;
    await first.m.close();

    // A restart with a key manager that kept nothing (SPIRE's memory key manager, say).
    w.km = spireStyleExternal(new InProcessKeyManager());
    const second = await startManager(w);
    const after = second.m.getX509AuthorityState().active!.authorityId;
    assert.notEqual(after, before);
    assert.ok(await w.km.getPublicKey(second.m.getCurrentX509CASlot().kmKeyId));
    await second.m.close();
  });
});
