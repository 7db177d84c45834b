import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAttestationRequest, decodeChallenge, decodeChallengeResponse, encodeAttestationRequest, encodeChallenge } from './wire.js';

describe('tpm_devid wire messages (Go JSON, base64 []byte)', () => {
  it('writes SPIRE field names and reads them back', () => {
    const b = (s: string) => Buffer.from(s);
    const req = { devIdCert: [b('leaf'), b('int')], devIdPub: b('dp'), ekCert: b('ec'), ekPub: b('ep'), akPub: b('ap'), certifiedDevId: b('cd'), certificationSignature: b('cs') };
    const json = JSON.parse(encodeAttestationRequest(req).toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['DevIDCert', 'DevIDPub', 'EKCert', 'EKPub', 'AKPub', 'CertifiedDevID', 'CertificationSignature']);
    assert.deepEqual(json['DevIDCert'], ['bGVhZg==', 'aW50']);
    assert.deepEqual(decodeAttestationRequest(encodeAttestationRequest(req)), req);
  });

  it('matches field names as Go does, without regard to case', () => {
    const r = decodeAttestationRequest(Buffer.from('{"devidcert":["AQ=="],"AKPUB":"Ag=="}'));
    assert.deepEqual(r.devIdCert, [Buffer.from([1])]);
    assert.deepEqual(r.akPub, Buffer.from([2]));
    assert.equal(r.ekPub.length, 0);
  });

  it('encodes the challenge as {"DevID","CredActivation":{"Credential","Secret"}} and reads the answer', () => {
    const c = encodeChallenge({ devId: Buffer.from([1]), credActivation: { credential: Buffer.from([2]), secret: Buffer.from([3]) } });
    assert.equal(c.toString(), '{"DevID":"AQ==","CredActivation":{"Credential":"Ag==","Secret":"Aw=="}}');
    assert.deepEqual(decodeChallenge(c).credActivation.secret, Buffer.from([3]));
    assert.deepEqual(decodeChallengeResponse(Buffer.from('{"DevID":"BA==","CredActivation":"BQ=="}')), { devId: Buffer.from([4]), credActivation: Buffer.from([5]) });
  });

  it('refuses a DevIDCert that is not a list', () => {
    assert.throws(() => decodeAttestationRequest(Buffer.from('{"DevIDCert":"AQ=="}')), { message: 'DevIDCert is not a list' });
  });
});
