import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createSigningPool, type SigningPool } from './pool/signing-pool.js';
import { opensslText } from './test-support/openssl.js';
import { makeCA, workloadCsr } from './test-support/fixture.js';

let pool: SigningPool;
before(() => {
  pool = createSigningPool({ threads: 1 });
});
after(async () => {
  await pool.close();
});

describe('the notAfter the CA reports with each X509-SVID', () => {
  it("equals the leaf's notAfter, to the second, for the default TTL, a chosen TTL and a TTL capped by the CA", async () => {
    const { ca, clock, cert } = await makeCA(pool, { caTtlMs: 2 * 3600_000 });
    clock.set(clock.now() + 437); // not on a whole second: the certificate drops the fraction
    const out = await ca.signWorkloadX509SVIDs([
      { spiffeId: 'spiffe://example.org/default', csr: workloadCsr().csr },
      { spiffeId: 'spiffe://example.org/short', csr: workloadCsr().csr, ttlMs: 90_500 },
      { spiffeId: 'spiffe://example.org/capped', csr: workloadCsr().csr, ttlMs: 10 * 3600_000 },
    ]);
    for (const r of out) {
      assert.ok(!('error' in r));
      const leaf = new X509Certificate(r.certChain[0]!);
      assert.equal(r.notAfter, Date.parse(leaf.validTo));
      const openssl = /Not After : (.+)\n/.exec(opensslText(r.certChain[0]!))![1]!;
      assert.equal(r.notAfter, Date.parse(openssl));
    }
    const [, short, capped] = out as Array<{ notAfter: number }>;
    assert.equal(short!.notAfter, Math.floor((clock.now() + 90_500) / 1000) * 1000);
    assert.equal(capped!.notAfter, Math.floor(cert.notAfter / 1000) * 1000);
  });

  it('is reported for agent and server SVIDs too', async () => {
    const { ca } = await makeCA(pool);
    for (const r of [
      await ca.signAgentX509SVID({ spiffeId: 'spiffe://example.org/spire/agent/x', csr: workloadCsr().csr }),
      await ca.signServerX509SVID({ csr: workloadCsr().csr }),
    ]) {
      assert.equal(r.notAfter, Date.parse(new X509Certificate(r.certChain[0]!).validTo));
    }
  });
});
