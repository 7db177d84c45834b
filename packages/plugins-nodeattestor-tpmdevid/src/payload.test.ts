import { describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { MAX_DEVID_CHAIN, MAX_PAYLOAD_BYTES, TpmDevidAttestor } from './devid-attestor.js';
import { softwareTpm, td } from './software-tpm.test-support.js';

const bad = Code.INVALID_ARGUMENT;
const never = async (): Promise<Uint8Array> => {
  throw new Error('no challenge expected');
};

describe('tpm_devid payload checks (before any challenge)', () => {
  const cases: [string, (s: Awaited<ReturnType<typeof softwareTpm>>) => Uint8Array, string][] = [
    ['an empty payload', () => new Uint8Array(), 'missing attestation payload'],
    ['an oversize payload', () => Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), `attestation payload of ${MAX_PAYLOAD_BYTES + 1} bytes exceeds the limit of ${MAX_PAYLOAD_BYTES} bytes`],
    ['a payload that is not JSON', () => Buffer.from('{'), /^unable to unmarshall attestation data: Expected property name or '}' in JSON at position 1/.source],
    ['a JSON array', () => Buffer.from('[]'), 'unable to unmarshall attestation data: attestation data is not a JSON object'],
    ['bad base64', () => Buffer.from('{"DevIDPub":"%%"}'), 'unable to unmarshall attestation data: DevIDPub: illegal base64 data'],
    ['no DevID certificate', () => Buffer.from('{"DevIDCert":null}'), 'no DevID certificate to attest'],
    ['too long a chain', (s) => s.payload({ devIdCert: Array(MAX_DEVID_CHAIN + 1).fill(s.devId.cert) }), `DevID certificate chain of ${MAX_DEVID_CHAIN + 1} certificates exceeds the limit of ${MAX_DEVID_CHAIN}`],
    ['a leaf that is not a certificate', (s) => s.payload({ devIdCert: [Buffer.from([1, 2])] }), /^unable to parse DevID certificate: /.source],
    ['an intermediate that is not a certificate', (s) => s.payload({ devIdCert: [s.devId.cert, Buffer.from([1, 2])] }), /^unable to parse DevID intermediate certificate 0: /.source],
    ['no AKPub', (s) => s.payload({ akPub: Buffer.alloc(0) }), 'missing attestation key public blob'],
    ['no DevIDPub', (s) => s.payload({ devIdPub: Buffer.alloc(0) }), 'missing DevID key public blob'],
    ['no EKCert', (s) => s.payload({ ekCert: Buffer.alloc(0) }), 'missing endorsement certificate'],
    ['no EKPub', (s) => s.payload({ ekPub: Buffer.alloc(0) }), 'missing endorsement key public blob'],
    ['an EKCert that is not a certificate', (s) => s.payload({ ekCert: Buffer.from([0x30, 0]) }), /^cannot parse endorsement certificate: /.source],
    ['a truncated DevIDPub', (s) => s.payload({ devIdPub: s.devId.pub.subarray(0, 9) }), 'cannot decode DevID key public blob: auth policy: unexpected end of data'],
    ['an AKPub with trailing bytes', (s) => s.payload({ akPub: Buffer.concat([s.ak.pub, Buffer.from([0])]) }), 'cannot decode attestation key public blob: public area: 1 trailing bytes'],
    ['an undecodable EKPub', (s) => s.payload({ ekPub: Buffer.from([0, 8]) }), 'cannot decode endorsement key public blob'],
  ];
  for (const [name, make, message] of cases) {
    it(`refuses ${name}`, async () => {
      const s = await softwareTpm();
      const expected = message.startsWith('^') ? new RegExp(message) : message;
      await rejectsWith(new TpmDevidAttestor(s.config, td).attest(make(s), never), bad, expected);
    });
  }

  it('refuses a challenge response that is not JSON', async () => {
    const s = await softwareTpm();
    await rejectsWith(
      new TpmDevidAttestor(s.config, td).attest(s.payload(), async () => Buffer.from('nope')),
      bad,
      /^unable to unmarshall challenges response: Unexpected token/,
    );
  });
});
