import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { TpmDevidAttestor } from './devid-attestor.js';
import { softwareTpm, td } from './software-tpm.test-support.js';
import { Extension } from './testing/x509-lib.js';

const bad = Code.INVALID_ARGUMENT;

describe('tpm_devid with a TPM played in software', () => {
  it('attests an ECDSA DevID whose EK certificate has a critical directoryName SAN', async () => {
    const s = await softwareTpm();
    const attrs = await new TpmDevidAttestor(s.config, td).attest(s.payload(), s.respond);
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/tpm_devid/${createHash('sha1').update(s.devId.cert).digest('hex')}`);
    assert.deepEqual(attrs.selectorValues.slice(0, 2), ['subject:cn:node-sw', 'issuer:cn:DevID CA']);
    assert.equal(attrs.selectorValues.length, 3);
  });

  it('refuses a certify structure with trailing garbage even when the AK signed it', async () => {
    const s = await softwareTpm();
    const attest = Buffer.concat([s.request().certifiedDevId, Buffer.from([0])]);
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ certifiedDevId: attest, certificationSignature: s.akSign(attest) }), s.respond),
      bad,
      'cannot verify that DevID is in the same TPM than AK: attestation: 1 trailing bytes',
    );
  });

  it('refuses an AK-signed structure that does not start with TPM_GENERATED_VALUE', async () => {
    const s = await softwareTpm();
    const attest = Buffer.from(s.request().certifiedDevId);
    attest.writeUInt32BE(0xdeadbeef, 0);
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ certifiedDevId: attest, certificationSignature: s.akSign(attest) }), s.respond),
      bad,
      'cannot verify that DevID is in the same TPM than AK: attestation magic is 0xdeadbeef, not TPM_GENERATED_VALUE',
    );
  });

  it('refuses an AK-signed structure of another type', async () => {
    const s = await softwareTpm();
    const attest = Buffer.from(s.request().certifiedDevId);
    attest.writeUInt16BE(0x8018, 4);
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ certifiedDevId: attest, certificationSignature: s.akSign(attest) }), s.respond),
      bad,
      'cannot verify that DevID is in the same TPM than AK: attestation type is 0x8018, not TPM_ST_ATTEST_CERTIFY',
    );
  });

  it('refuses a certification signature that does not verify', async () => {
    const s = await softwareTpm();
    const other = s.request().certifiedDevId.subarray(0, 10);
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ certificationSignature: s.akSign(other) }), s.respond),
      bad,
      'cannot verify that DevID is in the same TPM than AK: crypto/rsa: verification error',
    );
  });

  it('refuses an EK certificate with an unknown critical extension, SAN or not', async () => {
    const s = await softwareTpm();
    const cert = await s.ekCa.issue({ cn: '', publicKey: s.ek.publicKey, extensions: [new Extension('1.2.3.4.5', true, Buffer.from([5, 0]))] });
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ ekCert: cert }), s.respond),
      bad,
      'cannot verify EK signature: endorsement certificate verification failed: x509: unhandled critical extension',
    );
  });

  it('refuses an EK certificate whose key is not RSA', async () => {
    const s = await softwareTpm();
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload({ ekCert: s.devId.cert }), s.respond),
      bad,
      'public key in EK certificate differs from public key created via EK template: key from certificate is not an RSA key',
    );
  });
});
