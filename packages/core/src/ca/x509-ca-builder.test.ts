import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { emptyDistinguishedName } from '../plugins/credentialcomposer/contract.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import { InlineSigningPool } from './pool/signing-pool.fake.js';
import { signerFor } from './signer.js';
import { openssl, opensslText, opensslVerify } from './test-support/openssl.js';
import { buildCACSR, selfSignX509CA } from './x509-ca-builder.js';
import { parseCsr, verifyCsr } from './x509/csr.js';
import { hex, toPem } from './x509/certificate.js';
import { join } from 'node:path';
import { subjectKeyId } from './x509/spki.js';

async function signer(type: 'ec-p256' | 'rsa-2048' = 'ec-p256') {
  const km = new InProcessKeyManager();
  await km.generateKey('x509-CA-A', type);
  return signerFor(km, 'x509-CA-A', new InlineSigningPool());
}

describe('self-signed X.509 CA', () => {
  it('is a CA for the trust domain with SPIRE default subject and its serial in the subject', async () => {
    const s = await signer();
    const now = Date.now();
    const ca = await selfSignX509CA(s, { trustDomainId: 'spiffe://example.org' }, now, 3600_000);
    const text = opensslText(ca.der);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE\n/, 'CA, no path length');
    assert.match(text, /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
    assert.match(text, /URI:spiffe:\/\/example.org\n/);
    assert.doesNotMatch(text, /Authority Key Identifier/, 'a self-signed root has no AKI, as Go writes it');
    const x = new X509Certificate(Buffer.from(ca.der));
    const serialDec = BigInt(`0x${x.serialNumber}`).toString(10);
    assert.match(text, new RegExp(`Subject: C ?= ?US, O ?= ?SPIFFE, serialNumber ?= ?${serialDec}\\n`));
    assert.equal(hex(ca.subjectKeyId), hex(subjectKeyId(s.publicKey)));
    assert.ok(Math.abs(ca.notAfter - (now + 3600_000)) < 1000);
    assert.ok(opensslVerify([ca.der], ca.der).ok, 'verifies as its own root');
  });

  it('leaves the serial out with exclude_sn_from_ca_subject and uses ca_subject', async () => {
    const s = await signer('rsa-2048');
    const subject = { ...emptyDistinguishedName(), country: ['DE'], organization: ['Acme'], commonName: 'Acme CA' };
    const ca = await selfSignX509CA(s, { trustDomainId: 'spiffe://example.org', subject, excludeSnFromSubject: true }, Date.now(), 3600_000);
    const text = opensslText(ca.der);
    assert.match(text, /Subject: C ?= ?DE, O ?= ?Acme, CN ?= ?Acme CA\n/);
    assert.match(text, /sha256WithRSAEncryption/);
  });
});

describe('CSR to an UpstreamAuthority', () => {
  it('carries the CA key and the trust domain URI, and verifies', async () => {
    const s = await signer();
    const der = await buildCACSR(s, { trustDomainId: 'spiffe://example.org' });
    const r = openssl((d) => ['req', '-in', join(d, 'csr.pem'), '-verify', '-noout', '-text'], { 'csr.pem': toPem([der], 'CERTIFICATE REQUEST') });
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /verify OK|Certificate request self-signature verify OK/);
    assert.match(r.out, /URI:spiffe:\/\/example.org/);
    const csr = parseCsr(der);
    verifyCsr(csr);
    assert.deepEqual(csr.uris, ['spiffe://example.org']);
    assert.deepEqual(Buffer.from(csr.spki), Buffer.from(s.publicKey));
  });
});
