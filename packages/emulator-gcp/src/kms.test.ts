import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { GcpEmulator } from './emulator.js';
import { matchesFilter } from './kms-filter.js';

describe('GcpEmulator: Cloud KMS through @google-cloud/kms (REST fallback)', () => {
  let gcp: GcpEmulator;
  let kms: KeyManagementServiceClient;
  let ring: string;
  const saved = { ...process.env };
  before(async () => {
    gcp = await GcpEmulator.start();
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    Object.assign(process.env, gcp.env());
    kms = new KeyManagementServiceClient({ apiEndpoint: '127.0.0.1', port: Number(new URL(gcp.url).port), protocol: 'http', fallback: true } as never);
    ring = gcp.kms.createKeyRing('test-project', 'global', 'ring');
  });
  after(async () => {
    await kms.close();
    process.env = saved;
    await gcp.close();
  });

  it('creates a labelled key whose first version signs a prehashed digest, checked by CRC32C and the public key', async () => {
    const [key] = await kms.createCryptoKey({
      parent: ring,
      cryptoKeyId: 'k1',
      cryptoKey: { purpose: 'ASYMMETRIC_SIGN', labels: { a: '1' }, versionTemplate: { algorithm: 'EC_SIGN_P256_SHA256' } },
    });
    assert.equal(key.name, `${ring}/cryptoKeys/k1`);
    const v1 = `${key.name}/cryptoKeyVersions/1`;
    const [pub] = await kms.getPublicKey({ name: v1 });
    const digest = createHash('sha256').update('hello').digest();
    const [sig] = await kms.asymmetricSign({ name: v1, digest: { sha256: digest } });
    assert.ok(verify('sha256', Buffer.from('hello'), createPublicKey(pub.pem!), Buffer.from(sig.signature as Uint8Array)));
    assert.ok(Number(sig.signatureCrc32c?.value) > 0);
    await assert.rejects(kms.asymmetricSign({ name: v1, digest: { sha384: createHash('sha384').digest() } }), /does not match algorithm/);
  });

  it('lists keys and versions with filters, updates labels, adds and destroys versions, keeps IAM policies', async () => {
    await kms.createCryptoKey({ parent: ring, cryptoKeyId: 'k2', cryptoKey: { purpose: 'ASYMMETRIC_SIGN', labels: { a: '2', t: '5' }, versionTemplate: { algorithm: 'RSA_SIGN_PKCS1_2048_SHA256' } } });
    const [keys] = await kms.listCryptoKeys({ parent: ring, filter: 'labels.a = 2 AND labels.t < 10' });
    assert.deepEqual(keys.map((k) => k.name), [`${ring}/cryptoKeys/k2`]);
    const name = `${ring}/cryptoKeys/k2`;
    await kms.updateCryptoKey({ cryptoKey: { name, labels: { a: '3' } }, updateMask: { paths: ['labels'] } });
    assert.deepEqual(gcp.kms.cryptoKeys.get(name)!.labels, { a: '3' });
    const [v2] = await kms.createCryptoKeyVersion({ parent: name, cryptoKeyVersion: { state: 'ENABLED' } });
    assert.equal(v2.name, `${name}/cryptoKeyVersions/2`);
    const [destroyed] = await kms.destroyCryptoKeyVersion({ name: `${name}/cryptoKeyVersions/1` });
    assert.equal(destroyed.state, 'DESTROY_SCHEDULED');
    const [enabled] = await kms.listCryptoKeyVersions({ parent: name, filter: 'state = ENABLED' });
    assert.deepEqual(enabled.map((v) => v.name), [v2.name]);
    const [policy] = await kms.getIamPolicy({ resource: name } as never);
    assert.deepEqual(policy.bindings, []);
    await kms.setIamPolicy({ resource: name, policy: { bindings: [{ role: 'roles/cloudkms.signerVerifier', members: ['serviceAccount:a@b'] }] } } as never);
    assert.deepEqual(gcp.kms.cryptoKeys.get(name)!.iamPolicy.bindings, [{ role: 'roles/cloudkms.signerVerifier', members: ['serviceAccount:a@b'] }]);
    await assert.rejects(kms.getCryptoKeyVersion({ name: `${name}/cryptoKeyVersions/9` }), /not found/);
  });

  it('reads the filter terms SPIRE writes', () => {
    const labels = { 'spire-server-td': 'h', 'spire-server-id': 'x', 'spire-active': 'true', 'spire-last-update': '100' };
    assert.equal(matchesFilter('labels.spire-server-td = h AND labels.spire-server-id != y AND labels.spire-active = true AND labels.spire-last-update < 101', { labels }), true);
    assert.equal(matchesFilter('labels.spire-last-update < 100', { labels }), false);
    assert.equal(matchesFilter('labels.missing != 1', { labels }), false);
  });
});
