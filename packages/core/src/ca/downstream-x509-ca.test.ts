import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '../errors.js';
import { InlineSigningPool } from './pool/signing-pool.fake.js';
import { ServerCA } from './server-ca.js';
import { makeCA, TD, workloadCsr } from './test-support/fixture.js';
import { readCertificate } from './x509/certificate.js';

const HOUR = 3600_000;
// Certificate times have whole seconds.
const floorSec = (ms: number) => Math.floor(ms / 1000) * 1000;

test('signDownstreamX509CA: a CA for the CSR key, issued by the active authority, for the TTL asked', async () => {
  const { ca, clock, cert } = await makeCA(new InlineSigningPool());
  const { csr, spki } = workloadCsr();
  const chain = await ca.signDownstreamX509CA({ csr, ttlMs: 2 * HOUR });
  assert.equal(chain.length, 1, 'a self-signed authority adds no upstream chain');
  const got = readCertificate(chain[0]!);
  assert.equal(got.isCA, true);
  assert.deepEqual(got.spki, spki);
  assert.deepEqual(got.issuerDer, cert.subjectDer);
  assert.deepEqual(got.authorityKeyId, cert.subjectKeyId);
  assert.equal(got.notAfter, floorSec(clock.now() + 2 * HOUR));
  assert.equal(got.notBefore, floorSec(clock.now() - 10_000));
});

test('signDownstreamX509CA: ca_ttl when no TTL is asked, and never past the active authority', async () => {
  const { ca, clock } = await makeCA(new InlineSigningPool(), { config: { caTtlMs: 3 * HOUR } });
  const byDefault = readCertificate((await ca.signDownstreamX509CA({ csr: workloadCsr().csr }))[0]!);
  assert.equal(byDefault.notAfter, floorSec(clock.now() + 3 * HOUR));
  const { ca: shortLived, cert } = await makeCA(new InlineSigningPool(), { caTtlMs: HOUR });
  const capped = readCertificate((await shortLived.signDownstreamX509CA({ csr: workloadCsr().csr, ttlMs: 48 * HOUR }))[0]!);
  assert.equal(capped.notAfter, cert.notAfter);
});

test('signDownstreamX509CA refuses without an active authority and for a CSR that does not parse', async () => {
  const idle = new ServerCA({ trustDomain: TD, clock: { now: () => Date.now() } });
  await assert.rejects(idle.signDownstreamX509CA({ csr: workloadCsr().csr }), { code: Code.UNAVAILABLE, message: 'no active X.509 authority' });
  const { ca } = await makeCA(new InlineSigningPool());
  await assert.rejects(ca.signDownstreamX509CA({ csr: new Uint8Array([1, 2, 3]) }), { code: Code.INVALID_ARGUMENT, message: 'malformed CSR: asn1: truncated DER' });
});
