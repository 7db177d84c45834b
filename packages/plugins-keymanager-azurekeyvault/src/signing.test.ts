import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { vaultSignatureToDer, vaultSignRequest } from './signing.js';

describe('azure_key_vault signing algorithms and signature form', () => {
  const d32 = new Uint8Array(32);
  it('maps key types and hashes as SPIRE does', () => {
    assert.equal(vaultSignRequest('ec-p256', d32, { hashAlgorithm: 'SHA256' }).algorithm, 'ES256');
    assert.equal(vaultSignRequest('ec-p384', new Uint8Array(48), { hashAlgorithm: 'SHA384' }).algorithm, 'ES384');
    assert.equal(vaultSignRequest('rsa-2048', d32, { hashAlgorithm: 'SHA256' }).algorithm, 'RS256');
    assert.equal(vaultSignRequest('rsa-4096', new Uint8Array(64), { hashAlgorithm: 'SHA512' }).algorithm, 'RS512');
    assert.equal(vaultSignRequest('rsa-2048', new Uint8Array(48), { pss: { saltLength: 48, hashAlgorithm: 'SHA384' } }).algorithm, 'PS384');
  });

  it('refuses other combinations with SPIRE\'s message', () => {
    assert.throws(() => vaultSignRequest('ec-p256', d32, { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } }), isSpireError(Code.INVALID_ARGUMENT, 'unsupported combination of key type: ec-p256 and hashing algorithm: SHA256'),
    );
    assert.throws(() => vaultSignRequest('rsa-2048', d32, { hashAlgorithm: 'SHA224' }), isSpireError(Code.INVALID_ARGUMENT, 'unsupported combination of key type: rsa-2048 and hashing algorithm: SHA224'),
    );
    assert.throws(() => vaultSignRequest('rsa-2048', d32, {} as never), isSpireError(Code.INVALID_ARGUMENT, 'hash algorithm is required'));
  });

  it('turns Key Vault\'s r||s into DER that node:crypto verifies; leaves RSA as is; refuses other lengths', () => {
    for (const [curve, size, hash] of [['P-256', 32, 'sha256'], ['P-384', 48, 'sha384']] as const) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      for (let i = 0; i < 20; i++) {
        const msg = Buffer.from(`m${i}`);
        const raw = sign(hash, msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        assert.equal(raw.length, size * 2);
        const der = vaultSignatureToDer(raw, curve === 'P-256' ? 'ec-p256' : 'ec-p384');
        assert.ok(verify(hash, msg, publicKey, der));
      }
    }
    const rsa = Uint8Array.of(1, 2, 3);
    assert.equal(vaultSignatureToDer(rsa, 'rsa-2048'), rsa);
    assert.throws(() => vaultSignatureToDer(new Uint8Array(65), 'ec-p256'), isSpireError(Code.INTERNAL, 'failed to convert Key Vault signature to ASN.1/DER format: malformed signature response'),
    );
  });
});
