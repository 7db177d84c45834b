import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TpmAlg } from './tpm-alg.js';
import { rsassaSignature, tpm2b, u16 } from './tpm-builders.test-support.js';
import { decodeSignature } from './tpm-signature.js';

describe('TPMT_SIGNATURE decoding', () => {
  it('decodes RSASSA (as tpm2_certify writes it: 0014 000b 0100 …)', () => {
    const raw = rsassaSignature(Buffer.alloc(256, 7));
    assert.equal(raw.subarray(0, 6).toString('hex'), '0014000b0100');
    const sig = decodeSignature(raw);
    assert.equal(sig.sigAlg, TpmAlg.RSASSA);
    assert.equal(sig.hashAlg, TpmAlg.SHA256);
    assert.ok(sig.rsa!.equals(Buffer.alloc(256, 7)));
  });

  it('decodes ECDSA r and s', () => {
    const sig = decodeSignature(Buffer.concat([u16(TpmAlg.ECDSA), u16(TpmAlg.SHA256), tpm2b(Buffer.alloc(32, 1)), tpm2b(Buffer.alloc(32, 2))]));
    assert.ok(sig.ecc!.r.equals(Buffer.alloc(32, 1)) && sig.ecc!.s.equals(Buffer.alloc(32, 2)));
  });

  it('refuses other schemes, trailing bytes and truncation', () => {
    assert.throws(() => decodeSignature(u16(TpmAlg.HMAC)), { message: 'unsupported signature algorithm 0x0005' });
    assert.throws(() => decodeSignature(Buffer.concat([rsassaSignature(Buffer.alloc(4)), Buffer.from([9])])), { message: 'signature: 1 trailing bytes' });
    assert.throws(() => decodeSignature(rsassaSignature(Buffer.alloc(4)).subarray(0, 7)), { message: 'RSA signature: unexpected end of data' });
  });
});
