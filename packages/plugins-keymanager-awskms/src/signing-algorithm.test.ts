import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { kmsSignRequest } from './signing-algorithm.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i + 1);

describe('aws_kms signing algorithm mapping', () => {
  it('maps SPIRE\u2019s key types and options to KMS algorithms, passing the digest as is', () => {
    const cases: [Parameters<typeof kmsSignRequest>[0], number, object, string][] = [
      ['ec-p256', 32, { hashAlgorithm: 'SHA256' }, 'ECDSA_SHA_256'],
      ['ec-p384', 48, { hashAlgorithm: 'SHA384' }, 'ECDSA_SHA_384'],
      ['rsa-2048', 32, { hashAlgorithm: 'SHA256' }, 'RSASSA_PKCS1_V1_5_SHA_256'],
      ['rsa-4096', 48, { hashAlgorithm: 'SHA384' }, 'RSASSA_PKCS1_V1_5_SHA_384'],
      ['rsa-2048', 64, { hashAlgorithm: 'SHA512' }, 'RSASSA_PKCS1_V1_5_SHA_512'],
      ['rsa-2048', 32, { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } }, 'RSASSA_PSS_SHA_256'],
      ['rsa-4096', 48, { pss: { saltLength: 48, hashAlgorithm: 'SHA384' } }, 'RSASSA_PSS_SHA_384'],
      ['rsa-2048', 64, { pss: { saltLength: -1, hashAlgorithm: 'SHA512' } }, 'RSASSA_PSS_SHA_512'],
    ];
    for (const [type, size, opts, alg] of cases) {
      const d = bytes(size);
      const r = kmsSignRequest(type, d, opts as never);
      assert.equal(r.algorithm, alg);
      assert.equal(r.digest, d);
    }
  });

  it('fits another SHA-2 digest to the curve as ECDSA does: leftmost bytes, or zeros in front', () => {
    const long = kmsSignRequest('ec-p256', bytes(48), { hashAlgorithm: 'SHA384' });
    assert.equal(long.algorithm, 'ECDSA_SHA_256');
    assert.deepEqual(long.digest, bytes(32));
    const short = kmsSignRequest('ec-p384', bytes(32), { hashAlgorithm: 'SHA256' });
    assert.equal(short.algorithm, 'ECDSA_SHA_384');
    assert.deepEqual(short.digest, Uint8Array.from([...new Uint8Array(16), ...bytes(32)]));
  });

  it('refuses what SPIRE refuses', () => {
    const bad: [Parameters<typeof kmsSignRequest>[0], object, string][] = [
      ['ec-p256', { pss: { saltLength: 32, hashAlgorithm: 'SHA256' } }, 'unsupported combination of keytype: ec-p256 and hashing algorithm: SHA256'],
      ['ec-p384', { hashAlgorithm: 'SHA3_256' }, 'unsupported combination of keytype: ec-p384 and hashing algorithm: SHA3_256'],
      ['rsa-2048', { hashAlgorithm: 'SHA224' }, 'unsupported combination of keytype: rsa-2048 and hashing algorithm: SHA224'],
      ['rsa-2048', { hashAlgorithm: undefined }, 'hash algorithm is required'],
      ['rsa-2048', { pss: undefined }, 'PSS options are required'],
    ];
    for (const [type, opts, message] of bad) {
      assert.throws(() => kmsSignRequest(type, bytes(32), opts as never), isSpireError(Code.INVALID_ARGUMENT, message));
    }
  });
});
