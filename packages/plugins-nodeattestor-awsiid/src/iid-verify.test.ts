import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { buildIidDocument, iidPayload, IidSigner } from '@spire-ts/emulator-aws';
import { verifyIdentityPayload } from './iid-verify.js';
import { RegionCerts } from './region-certs.js';

const docA = buildIidDocument({ accountId: '111122223333', region: 'us-west-2', instanceId: 'i-0aaaaaaaaaaaaaaaa' });
const docB = buildIidDocument({ accountId: '999988887777', region: 'us-west-2', instanceId: 'i-0bbbbbbbbbbbbbbbb' });

const payload = (o: Record<string, unknown>) => new TextEncoder().encode(JSON.stringify(o));
const check = async (p: Uint8Array, certs: RegionCerts) => verifyIdentityPayload(p, certs);

describe('aws_iid: identity document verification', () => {
  let aws: IidSigner;
  let certs: RegionCerts;
  before(async () => {
    aws = await IidSigner.create();
    certs = new RegionCerts(aws.certsByRegion(['us-west-2']));
  });

  it('takes the identity from the signed PKCS#7 content', () => {
    const id = verifyIdentityPayload(iidPayload(aws.sign(docA)), certs);
    assert.deepEqual(id, { accountId: '111122223333', region: 'us-west-2', availabilityZone: 'us-west-2a', instanceId: 'i-0aaaaaaaaaaaaaaaa', imageId: 'ami-0123456789abcdef0' });
  });

  it('refuses a valid PKCS#7 of document A sent with document B', async () => {
    const a = aws.sign(docA);
    const forged = iidPayload({ document: docB, signature: aws.rsaSignature(docB), rsa2048: a.rsa2048 });
    await rejectsWith(check(forged, certs), Code.INVALID_ARGUMENT, 'instance identity document does not match the verified PKCS7 content');
  });

  it('refuses a PKCS#7 signed by another key under the region certificate name', async () => {
    const region = nameOf(aws);
    const impostor = await IidSigner.create({ commonName: region.cn, serialNumber: region.serial });
    await rejectsWith(
      check(iidPayload(impostor.sign(docA)), certs),
      Code.INVALID_ARGUMENT,
      'failed verification of instance identity cryptographic signature: crypto/rsa: verification error',
    );
  });

  it('never uses a certificate carried in the payload', async () => {
    const attacker = await IidSigner.create();
    const p = iidPayload(attacker.sign(docA, { includeCertificate: true }));
    await rejectsWith(check(p, certs), Code.INVALID_ARGUMENT, 'failed verification of instance identity cryptographic signature: pkcs7: No certificate for signer');
  });

  it('refuses signed attributes whose message digest is not the content', async () => {
    const p = iidPayload(aws.sign(docA, { messageDigest: new Uint8Array(32) }));
    await rejectsWith(check(p, certs), Code.INVALID_ARGUMENT, /^failed verification of instance identity cryptographic signature: pkcs7: Message digest mismatch\n\tExpected: 0{64}\n/);
  });

  it('verifies a PKCS#7 without signed attributes over the content itself', () => {
    assert.equal(verifyIdentityPayload(iidPayload(aws.sign(docA, { signedAttributes: false })), certs).instanceId, 'i-0aaaaaaaaaaaaaaaa');
  });

  it('refuses an RSA signature over another document (no rsa2048)', async () => {
    const p = iidPayload({ document: docB, signature: aws.rsaSignature(docA), rsa2048: '' });
    await rejectsWith(check(p, certs), Code.INVALID_ARGUMENT, 'failed to verify the cryptographic signature: crypto/rsa: verification error');
  });

  it('refuses an unknown region, in the shipped tables and in a test table', async () => {
    const doc = buildIidDocument({ accountId: '111122223333', region: 'xx-test-1', instanceId: 'i-0aaaaaaaaaaaaaaaa' });
    const msg = 'failed to load the AWS CA certificate for region "xx-test-1": unsupported region "xx-test-1"';
    await rejectsWith(check(iidPayload(aws.sign(doc)), new RegionCerts()), Code.INTERNAL, msg);
    await rejectsWith(check(iidPayload(aws.sign(doc)), certs), Code.INTERNAL, msg);
  });

  it('checks against AWS’s shipped certificate of a known region (a test key does not verify)', async () => {
    await rejectsWith(check(iidPayload(aws.sign(docA)), new RegionCerts()), Code.INVALID_ARGUMENT, /^failed verification of instance identity cryptographic signature: pkcs7: No certificate for signer$/);
    await rejectsWith(
      check(iidPayload({ ...aws.sign(docA), rsa2048: '' }), new RegionCerts()),
      Code.INVALID_ARGUMENT,
      'failed to verify the cryptographic signature: crypto/rsa: verification error',
    );
  });

  it('refuses malformed payloads with SPIRE’s messages', async () => {
    await rejectsWith(check(new Uint8Array(), certs), Code.INVALID_ARGUMENT, 'missing attestation payload');
    await rejectsWith(check(new TextEncoder().encode('{'), certs), Code.INVALID_ARGUMENT, /^failed to unmarshal the attestation data: /);
    await rejectsWith(check(payload({ document: 7 }), certs), Code.INVALID_ARGUMENT, 'failed to unmarshal the attestation data: json: cannot unmarshal number into Go struct field IIDAttestationData.document of type string');
    await rejectsWith(check(payload({ document: '' }), certs), Code.INVALID_ARGUMENT, 'failed to unmarshal the IID: unexpected end of JSON input');
    await rejectsWith(check(payload({ document: docA }), certs), Code.INVALID_ARGUMENT, 'instance identity cryptographic signature is required');
    await rejectsWith(check(payload({ document: docA, rsa2048: '!!!' }), certs), Code.INVALID_ARGUMENT, 'failed to decode the instance identity cryptographic signature');
    await rejectsWith(check(payload({ document: docA, rsa2048: 'AAAA' }), certs), Code.INVALID_ARGUMENT, /^failed to parse the instance identity cryptographic signature: /);
    await rejectsWith(check(payload({ document: docA, signature: 'a*b' }), certs), Code.INVALID_ARGUMENT, 'failed to decode the IID signature: illegal base64 data at input byte 1');
  });

  it('accepts a PKCS#7 with line breaks, as the metadata service serves it', () => {
    const a = aws.sign(docA);
    const wrapped = a.rsa2048.replace(/.{64}/g, '$&\n');
    assert.equal(verifyIdentityPayload(iidPayload({ ...a, rsa2048: wrapped }), certs).accountId, '111122223333');
  });
});

/** The common name and serial of a signer's certificate, read from its PEM. */
function nameOf(s: IidSigner): { cn: string; serial: string } {
  const c = new X509Certificate(s.certPem);
  return { cn: /CN=([^\n]+)/.exec(c.subject)![1]!, serial: c.serialNumber.toLowerCase() };
}
