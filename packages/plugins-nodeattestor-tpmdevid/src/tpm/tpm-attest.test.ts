import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCertifyAttest } from './tpm-attest.js';
import { certifyAttest } from './tpm-builders.test-support.js';

const name = Buffer.from('000b' + 'ab'.repeat(32), 'hex');

describe('TPMS_ATTEST decoding (TPM2_Certify)', () => {
  it('decodes every field and the certified name', () => {
    const info = decodeCertifyAttest(certifyAttest(name));
    assert.ok(info.name.equals(name));
    assert.equal(info.clock, 0x0101010101010101n);
    assert.equal(info.resetCount, 2);
    assert.equal(info.restartCount, 3);
    assert.equal(info.safe, 1);
    assert.equal(info.extraData.length, 0);
    assert.equal(info.qualifiedName.toString('hex'), '000b' + '22'.repeat(32));
  });

  it('refuses a structure the TPM did not generate (magic)', () => {
    assert.throws(() => decodeCertifyAttest(certifyAttest(name, { magic: 0x12345678 })), {
      message: 'attestation magic is 0x12345678, not TPM_GENERATED_VALUE',
    });
  });

  it('refuses another attestation type (a quote)', () => {
    assert.throws(() => decodeCertifyAttest(certifyAttest(name, { type: 0x8018 })), { message: 'attestation type is 0x8018, not TPM_ST_ATTEST_CERTIFY' });
  });

  it('refuses trailing garbage and truncation', () => {
    const good = certifyAttest(name);
    assert.throws(() => decodeCertifyAttest(Buffer.concat([good, Buffer.from([0, 0])])), { message: 'attestation: 2 trailing bytes' });
    assert.throws(() => decodeCertifyAttest(good.subarray(0, 48)), { message: 'clock: unexpected end of data' });
  });
});
