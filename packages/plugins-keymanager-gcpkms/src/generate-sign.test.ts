import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { KEY_RING, startKeyManager, startKmsEmulator } from './test-support.js';

const TD_HASH = createHash('sha1').update('example.org').digest('hex');
const msg = Buffer.from('to be signed');

describe('gcp_kms: keys, labels, IAM and signing against the emulator', () => {
  let gcp: GcpEmulator & { restoreEnv(): void };
  before(async () => (gcp = await startKmsEmulator()));
  after(async () => {
    await gcp.close();
    gcp.restoreEnv();
  });

  it("creates spire-key-<server id>-<key id> with SPIRE's labels and the default IAM binding", async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-1' });
    const pk = await km.generateKey('x509-CA-A', 'ec-p256');
    const key = gcp.kms.cryptoKeys.get(`${KEY_RING}/cryptoKeys/spire-key-srv-1-x509-CA-A`)!;
    assert.deepEqual({ ...key.labels, 'spire-last-update': 'n' }, { 'spire-server-td': TD_HASH, 'spire-server-id': 'srv-1', 'spire-active': 'true', 'spire-last-update': 'n' });
    assert.equal(key.algorithm, 'EC_SIGN_P256_SHA256');
    assert.deepEqual(key.iamPolicy.bindings, [{ role: 'roles/cloudkms.signerVerifier', members: ['serviceAccount:spire-server@test-project.iam.gserviceaccount.com'] }]);
    assert.equal(pk.fingerprint, createHash('sha256').update(pk.pkixData).digest('hex'));
    await km.close();
  });

  it('signs prehashed digests with AsymmetricSign, many at once', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-2' });
    const pk = await km.generateKey('k', 'rsa-2048');
    const digest = createHash('sha256').update(msg).digest();
    const sigs = await Promise.all(Array.from({ length: 8 }, () => km.signData('k', digest, { hashAlgorithm: 'SHA256' })));
    const pub = createPublicKey({ key: Buffer.from(pk.pkixData), format: 'der', type: 'spki' });
    for (const s of sigs) assert.ok(verify('sha256', msg, pub, s.signature));
    assert.equal(gcp.calls('kms.asymmetricSign').length >= 8, true);
    await km.close();
  });

  it('rotates by adding a version and destroying the previous one', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-3' });
    await km.generateKey('k', 'ec-p256');
    const pk2 = await km.generateKey('k', 'ec-p384');
    const key = gcp.kms.cryptoKeys.get(`${KEY_RING}/cryptoKeys/spire-key-srv-3-k`)!;
    assert.equal(key.algorithm, 'EC_SIGN_P384_SHA384');
    assert.equal(key.versions.length, 2);
    for (let i = 0; i < 50 && key.versions[0]!.state !== 'DESTROY_SCHEDULED'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(key.versions[0]!.state, 'DESTROY_SCHEDULED');
    assert.equal(key.versions[1]!.state, 'ENABLED');
    assert.equal(pk2.type, 'ec-p384');
    const digest = createHash('sha384').update(msg).digest();
    const { signature } = await km.signData('k', digest, { hashAlgorithm: 'SHA384' });
    assert.ok(verify('sha384', msg, createPublicKey({ key: Buffer.from(pk2.pkixData), format: 'der', type: 'spki' }), signature));
    await km.close();
  });

  it('lets signatures in flight with the old version finish before destroying it', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-6' });
    await km.generateKey('k', 'ec-p256');
    const d = createHash('sha256').update(msg).digest();
    gcp.setLatencyMs(200);
    const signing = km.signData('k', d, { hashAlgorithm: 'SHA256' });
    await new Promise((r) => setTimeout(r, 50));
    gcp.setLatencyMs(0);
    await km.generateKey('k', 'ec-p256');
    assert.ok((await signing).signature.length > 0);
    await km.close();
  });

  it("refuses what Cloud KMS cannot sign with SPIRE's messages", async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-4' });
    await km.generateKey('r', 'rsa-2048');
    const d = createHash('sha256').update(msg).digest();
    await rejectsWith(km.signData('r', d, { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } }), Code.INVALID_ARGUMENT, 'the only RSA signature scheme supported is RSASSA-PKCS1-v1_5');
    await rejectsWith(km.signData('r', d, { hashAlgorithm: 'SHA512' }), Code.INVALID_ARGUMENT, 'hash algorithm not supported');
    await rejectsWith(km.signData('nope', d, { hashAlgorithm: 'SHA256' }), Code.NOT_FOUND, 'key "nope" not found');
    await rejectsWith(km.generateKey('', 'ec-p256'), Code.INVALID_ARGUMENT, 'key id is required');
    await km.close();
  });

  it('gives UNAVAILABLE when Cloud KMS is down or slow, and INTERNAL when it refuses', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'srv-5' }, { timeoutMs: 300 });
    await km.generateKey('k', 'ec-p256');
    const d = createHash('sha256').update(msg).digest();
    gcp.setUnavailable(true);
    try {
      await rejectsWith(km.signData('k', d, { hashAlgorithm: 'SHA256' }), Code.UNAVAILABLE, /^failed to sign: /);
    } finally {
      gcp.setUnavailable(false);
    }
    gcp.setLatencyMs(1000);
    try {
      await rejectsWith(km.signData('k', d, { hashAlgorithm: 'SHA256' }), Code.UNAVAILABLE, 'failed to sign: Cloud KMS (asymmetricSign) did not answer within 300 ms');
    } finally {
      gcp.setLatencyMs(0);
    }
    gcp.fail('kms.asymmetricSign', 403, { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } });
    await rejectsWith(km.signData('k', d, { hashAlgorithm: 'SHA256' }), Code.INTERNAL, /^failed to sign: .*Permission denied/);
    await km.close();
  });
});
