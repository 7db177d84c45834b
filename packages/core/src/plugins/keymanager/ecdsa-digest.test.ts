import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { p256, p384 } from '@noble/curves/nist.js';
import { fitEcdsaDigest } from './ecdsa-digest.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i + 1);

describe('fitEcdsaDigest', () => {
  it('leaves the curve\'s own digest alone and refuses hashes other than SHA-256/384/512', () => {
    const d = bytes(32);
    assert.equal(fitEcdsaDigest('ec-p256', 'SHA256', d), d);
    assert.equal(fitEcdsaDigest('ec-p256', 'SHA3_256', d), undefined);
    assert.equal(fitEcdsaDigest('ec-p384', 'SHA224', bytes(28)), undefined);
    assert.equal(fitEcdsaDigest('ec-p384', undefined, d), undefined);
  });

  it('cuts a longer digest to its leftmost bytes and pads a shorter one on the left', () => {
    assert.deepEqual(fitEcdsaDigest('ec-p256', 'SHA512', bytes(64)), bytes(32));
    const padded = fitEcdsaDigest('ec-p384', 'SHA256', bytes(32))!;
    assert.equal(padded.length, 48);
    assert.deepEqual(padded.subarray(0, 16), new Uint8Array(16));
    assert.deepEqual(padded.subarray(16), bytes(32));
  });

  it('passes a digest of the wrong length through for the service to refuse', () => {
    const d = bytes(20);
    assert.equal(fitEcdsaDigest('ec-p256', 'SHA512', d), d);
  });

  for (const [keyType, curve, namedCurve, hash, node] of [
    ['ec-p256', p256, 'P-256', 'SHA512', 'sha512'],
    ['ec-p256', p256, 'P-256', 'SHA384', 'sha384'],
    ['ec-p384', p384, 'P-384', 'SHA256', 'sha256'],
    ['ec-p384', p384, 'P-384', 'SHA512', 'sha512'],
  ] as const) {
    it(`a ${keyType} signature over the fitted ${hash} digest verifies as ECDSA with ${hash} (node:crypto)`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const data = Buffer.from('fit me');
      const digest = createHash(node).update(data).digest();
      const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
      // What a service that signs only its curve's digest size does with the fitted digest.
      const sig = curve.sign(fitEcdsaDigest(keyType, hash, digest)!, d, { prehash: false, format: 'der' });
      assert.ok(verify(node, data, publicKey, sig));
    });
  }
});
