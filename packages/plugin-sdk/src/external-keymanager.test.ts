import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, type KeyManager, type KeyType } from './index.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest, type LoadedTestPlugin } from './testing.js';

/**
 * Round trips of the KeyManager contract over gRPC against a KeyManager plugin built with this
 * SDK, loaded through plugin_cmd by Catalog.load. Written as a suite over a `setup` so it can be
 * replaced by core's shared `runKeyManagerContract(name, setup)` once that lands.
 */
function keyManagerRoundTrips(name: string, setup: () => Promise<{ km: KeyManager; teardown: () => Promise<void> }>): void {
  describe(`${name}: KeyManager round trips`, () => {
    let km: KeyManager;
    let teardown: () => Promise<void>;
    before(async () => {
      ({ km, teardown } = await setup());
    });
    after(async () => teardown());

    const digest = (msg: Buffer, alg: 'sha256' | 'sha384') => createHash(alg).update(msg).digest();
    const cases: [KeyType, 'sha256' | 'sha384', 'SHA256' | 'SHA384'][] = [
      ['ec-p256', 'sha256', 'SHA256'],
      ['ec-p384', 'sha384', 'SHA384'],
      ['rsa-2048', 'sha256', 'SHA256'],
    ];
    for (const [type, alg, hashAlgorithm] of cases) {
      it(`generates a ${type} key, returns it, and signs a ${hashAlgorithm} digest that verifies`, async () => {
        const id = `key-${type}`;
        const pub = await km.generateKey(id, type);
        assert.equal(pub.id, id);
        assert.equal(pub.type, type);
        assert.equal(pub.fingerprint, createHash('sha256').update(pub.pkixData).digest('hex'));
        const again = await km.getPublicKey(id);
        assert.deepEqual(again, pub);
        const msg = Buffer.from(`message for ${type}`);
        const { signature, keyFingerprint } = await km.signData(id, digest(msg, alg), { hashAlgorithm });
        assert.equal(keyFingerprint, pub.fingerprint);
        const key = createPublicKey({ key: Buffer.from(pub.pkixData), format: 'der', type: 'spki' });
        assert.equal(verify(alg, msg, key, signature), true);
        assert.equal(verify(alg, Buffer.from('other message'), key, signature), false);
      });
    }

    it('replaces a key on a second GenerateKey with the same ID', async () => {
      const a = await km.generateKey('slot-A', 'ec-p256');
      const b = await km.generateKey('slot-A', 'ec-p256');
      assert.notEqual(a.fingerprint, b.fingerprint);
      assert.deepEqual(await km.getPublicKey('slot-A'), b);
    });

    it('lists every key', async () => {
      const ids = (await km.getPublicKeys()).map((k) => k.id).sort();
      assert.ok(ids.includes('slot-A'));
      assert.ok(ids.includes('key-ec-p256'));
    });

    it('reports an unknown key as NOT_FOUND with the plugin prefix', async () => {
      await assert.rejects(km.getPublicKey('missing'), { code: Code.NOT_FOUND, message: 'keymanager(ext): no such key "missing"' });
      await assert.rejects(km.signData('missing', Buffer.alloc(32), { hashAlgorithm: 'SHA256' }), {
        code: Code.NOT_FOUND,
        message: 'keymanager(ext): no such key "missing"',
      });
    });

    it('carries the plugin’s INVALID_ARGUMENT for an empty key ID', async () => {
      await assert.rejects(km.generateKey('', 'ec-p256'), { code: Code.INVALID_ARGUMENT, message: 'keymanager(ext): key id is required' });
    });
  });
}

let loaded: LoadedTestPlugin<KeyManager>;
keyManagerRoundTrips('external (plugin_cmd, gRPC)', async () => {
  loaded = await loadPluginForTest<KeyManager>({ type: 'KeyManager', name: 'ext', path: testPluginPath('keymanager-plugin') });
  return { km: loaded.plugin, teardown: () => loaded.close() };
});
