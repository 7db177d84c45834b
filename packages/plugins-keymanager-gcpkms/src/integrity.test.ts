import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { startKeyManager, startKmsEmulator } from './test-support.js';

describe('gcp_kms: answers corrupted in transit, and Cloud KMS out of reach at start-up', () => {
  let gcp: GcpEmulator & { restoreEnv(): void };
  before(async () => (gcp = await startKmsEmulator()));
  after(async () => {
    await gcp.close();
    gcp.restoreEnv();
  });

  it('refuses a signature whose CRC32C does not match', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'crc' });
    await km.generateKey('k', 'ec-p256');
    gcp.fail('kms.asymmetricSign', 200, { signature: Buffer.from('forged').toString('base64'), signatureCrc32c: '1' });
    await rejectsWith(km.signData('k', createHash('sha256').digest(), { hashAlgorithm: 'SHA256' }), Code.INTERNAL, 'error signing: response corrupted in-transit');
    await km.close();
  });

  it('refuses a public key whose CRC32C does not match', async () => {
    const km = await startKeyManager({ keyIdentifierValue: 'crc2' });
    gcp.fail('kms.getPublicKey', 200, { pem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', pemCrc32c: '7' });
    await rejectsWith(km.generateKey('k', 'ec-p256'), Code.INTERNAL, 'failed to generate key: response corrupted in-transit');
    await km.close();
  });

  it('waits for a version still being generated before reading its public key', async () => {
    gcp.kms.pendingGenerationReads = 2;
    try {
      const km = await startKeyManager({ keyIdentifierValue: 'pending' });
      const before = gcp.calls('kms.getPublicKey').length;
      const pk = await km.generateKey('k', 'ec-p256');
      assert.equal(pk.type, 'ec-p256');
      assert.equal(gcp.calls('kms.getPublicKey').length - before, 3);
      await km.close();
    } finally {
      gcp.kms.pendingGenerationReads = 0;
    }
  });

  it('fails to configure with UNAVAILABLE when Cloud KMS cannot be reached', async () => {
    gcp.setUnavailable(true);
    try {
      await rejectsWith(startKeyManager({ keyIdentifierValue: 'down' }), Code.UNAVAILABLE, /^failed to list SPIRE Server keys in Cloud KMS: /);
    } finally {
      gcp.setUnavailable(false);
    }
  });
});
