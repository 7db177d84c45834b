import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code, SpireError } from '../errors.js';
import { createSigningPool, type SigningPool } from './pool/signing-pool.js';
import { InlineSigningPool } from './pool/signing-pool.fake.js';
import { opensslText, opensslVerify } from './test-support/openssl.js';
import { makeCA, workloadCsr } from './test-support/fixture.js';
import { emptyDistinguishedName } from '../plugins/credentialcomposer/contract.js';

let pool: SigningPool;
before(() => {
  pool = createSigningPool({ threads: 1 });
});
after(async () => {
  await pool.close();
});

describe('X509-SVID minting through the worker pool', () => {
  it('mints a workload SVID that openssl verifies against the bundle, with every SPIFFE extension', async () => {
    const { ca, cert } = await makeCA(pool);
    const { csr } = workloadCsr('ec');
    const { certChain } = await ca.signWorkloadX509SVID({
      spiffeId: 'spiffe://example.org/workload',
      csr,
      dnsNames: ['web.example.org', 'alt.example.org'],
    });
    assert.equal(certChain.length, 1, 'a self-signed CA adds nothing to the chain');
    const v = opensslVerify([cert.der], certChain[0]!);
    assert.ok(v.ok, v.out);
    const text = opensslText(certChain[0]!);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature\n/);
    assert.match(text, /X509v3 Extended Key Usage: \s*\n\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(text, /X509v3 Subject Alternative Name: \s*\n\s+URI:spiffe:\/\/example.org\/workload, DNS:web.example.org, DNS:alt.example.org\n/);
    assert.match(text, /Subject: C ?= ?US, O ?= ?SPIRE, CN ?= ?web.example.org/);
    assert.match(text, /X509v3 Subject Key Identifier/);
    assert.match(text, /X509v3 Authority Key Identifier/);
    assert.equal((text.match(/URI:/g) ?? []).length, 1, 'exactly one URI SAN');
  });

  it('adds keyEncipherment for an RSA workload key', async () => {
    const { ca, cert } = await makeCA(pool);
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/rsa', csr: workloadCsr('rsa').csr });
    assert.ok(opensslVerify([cert.der], certChain[0]!).ok);
    assert.match(opensslText(certChain[0]!), /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
  });

  for (const caKeyType of ['ec-p384', 'rsa-2048'] as const) {
    it(`signs with a ${caKeyType} CA key`, async () => {
      const { ca, cert } = await makeCA(pool, { caKeyType });
      const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
      const v = opensslVerify([cert.der], certChain[0]!);
      assert.ok(v.ok, v.out);
      assert.match(opensslText(certChain[0]!), caKeyType === 'ec-p384' ? /ecdsa-with-SHA384/ : /sha256WithRSAEncryption/);
    });
  }

  it('gives each SVID a distinct random serial', async () => {
    const { ca } = await makeCA(pool);
    const { spki } = workloadCsr();
    const serials = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', publicKey: spki });
      serials.add(new X509Certificate(Buffer.from(certChain[0]!)).serialNumber);
    }
    assert.equal(serials.size, 5);
  });

  it('gives each SVID of one batch its own subject CN and serial (shared subjects, one random draw)', async () => {
    const { ca, cert } = await makeCA(pool);
    const dns = [['a.example.org'], ['b.example.org'], [], ['a.example.org'], []];
    const res = await ca.signWorkloadX509SVIDs([
      ...dns.map((d, i) => ({ spiffeId: `spiffe://example.org/w${i}`, csr: workloadCsr().csr, dnsNames: d })),
      { spiffeId: 'spiffe://example.org/custom', csr: workloadCsr().csr, dnsNames: ['a.example.org'], subject: { ...emptyDistinguishedName(), organization: ['Acme'] } },
    ]);
    const subjects = res.map((r) => {
      assert.ok('certChain' in r);
      assert.ok(opensslVerify([cert.der], r.certChain[0]!).ok);
      return new X509Certificate(Buffer.from(r.certChain[0]!));
    });
    assert.deepEqual(
      subjects.map((x) => x.subject.split('\n').join(', ')),
      ['C=US, O=SPIRE, CN=a.example.org', 'C=US, O=SPIRE, CN=b.example.org', 'C=US, O=SPIRE', 'C=US, O=SPIRE, CN=a.example.org', 'C=US, O=SPIRE', 'O=Acme, CN=a.example.org'],
    );
    assert.equal(new Set(subjects.map((x) => x.serialNumber)).size, subjects.length);
  });

  it('uses the first non-zero TTL and caps it at the CA expiry', async () => {
    const { ca, clock, cert } = await makeCA(pool, { config: { x509SvidTtlMs: 2 * 3600_000 } });
    const { spki } = workloadCsr();
    const ttlOf = async (ttlMs?: number) => {
      const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', publicKey: spki, ...(ttlMs !== undefined ? { ttlMs } : {}) });
      const x = new X509Certificate(Buffer.from(certChain[0]!));
      return Date.parse(x.validTo) - Math.floor(clock.now() / 1000) * 1000;
    };
    const near = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1000, `${a} vs ${b}`);
    near(await ttlOf(600_000), 600_000);
    near(await ttlOf(0), 2 * 3600_000);
    near(await ttlOf(), 2 * 3600_000);
    near(await ttlOf(100 * 3600_000), cert.notAfter - Math.floor(clock.now() / 1000) * 1000);
  });

  it('rejects a CSR whose signature does not verify, alone in its batch', async () => {
    const { ca, cert } = await makeCA(pool);
    const res = await ca.signWorkloadX509SVIDs([
      { spiffeId: 'spiffe://example.org/a', csr: workloadCsr().csr },
      { spiffeId: 'spiffe://example.org/b', csr: workloadCsr('ec', true).csr },
      { spiffeId: 'spiffe://other.org/c', csr: workloadCsr().csr },
      { spiffeId: 'spiffe://example.org/d', csr: Uint8Array.of(1, 2, 3) },
    ]);
    assert.ok('certChain' in res[0]! && opensslVerify([cert.der], res[0].certChain[0]!).ok);
    const err = (i: number) => (res[i] as { error: SpireError }).error;
    assert.equal(err(1).code, Code.INVALID_ARGUMENT);
    assert.equal(err(1).message, 'invalid CSR: x509: ECDSA verification failure');
    assert.equal(err(2).code, Code.INVALID_ARGUMENT);
    assert.equal(err(2).message, 'invalid X509-SVID ID: "spiffe://other.org/c" is not a member of trust domain "example.org"');
    assert.equal(err(3).code, Code.INVALID_ARGUMENT);
    assert.match(err(3).message, /^invalid CSR: /);
  });

  it('mints the server SVID spiffe://<td>/spire/server', async () => {
    const { ca, cert } = await makeCA(pool);
    const { certChain } = await ca.signServerX509SVID({ publicKey: workloadCsr().spki });
    assert.ok(opensslVerify([cert.der], certChain[0]!).ok);
    assert.match(opensslText(certChain[0]!), /URI:spiffe:\/\/example.org\/spire\/server\n/);
  });

  it('uses a workload subject when given, and a custom one for the CN only when DNS names exist', async () => {
    const { ca } = await makeCA(pool);
    const subject = { ...emptyDistinguishedName(), organization: ['Acme'], organizationalUnit: ['Dev'] };
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', publicKey: workloadCsr().spki, subject });
    assert.match(opensslText(certChain[0]!), /Subject: O ?= ?Acme, OU ?= ?Dev\n/);
  });

  it('fails with UNAVAILABLE when no CA is active', async () => {
    const { ca } = await makeCA(pool);
    ca.setX509CA(undefined);
    await assert.rejects(ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', publicKey: workloadCsr().spki }), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.UNAVAILABLE);
      assert.equal(e.message, 'X509 CA is not available for signing');
      return true;
    });
  });

  it('signs through a remote KeyManager signData when the keys are not in process', async () => {
    const { ca, cert } = await makeCA(pool, { remote: true });
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    const v = opensslVerify([cert.der], certChain[0]!);
    assert.ok(v.ok, v.out);
  });
});

describe('batching', () => {
  it('sends a batch of 50 CSRs to a worker as one task', async () => {
    const inline = new InlineSigningPool();
    const { ca, cert } = await makeCA(inline);
    const before = inline.tasks.length;
    const reqs = Array.from({ length: 50 }, (_, i) => ({ spiffeId: `spiffe://example.org/w${i}`, csr: workloadCsr().csr }));
    const res = await ca.signWorkloadX509SVIDs(reqs);
    assert.equal(inline.tasks.length - before, 1);
    for (const r of res) {
      assert.ok('certChain' in r);
      assert.ok(opensslVerify([cert.der], r.certChain[0]!).ok);
    }
  });
});
