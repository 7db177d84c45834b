import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TrustDomain } from '@spire-ts/core/plugin';
import { newWorld, startManager, workloadCsr } from '@spire-ts/core/ca-testing';
import { opensslVerify } from '@spire-ts/core/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { data, makeUA, startGcp } from './harness.test-support.js';

const td = TrustDomain.parse('example.org');
let gcp: GcpEmulator;
before(async () => {
  gcp = await startGcp();
});
after(async () => gcp.close());

describe('server CA under UpstreamAuthority "gcp_cas"', () => {
  it('is issued by CA Service, validated by the CA manager; SVID chains verify with openssl', async () => {
    const root = await gcp.privateca.createCertificateAuthority({ pool: 'ca', id: 'root' });
    await gcp.privateca.createCertificateAuthority({ pool: 'ca', id: 'sub', issuer: root.name, labels: { spire: 'td' } });
    const ua = makeUA(data({ ca_pool: 'ca' }));
    const w = newWorld();
    const { clock, ds } = w;
    const { m, ca } = await startManager(w, { upstreamAuthority: ua, caTtlMs: 6 * 3600_000 });
    const rootDer = Buffer.from(new X509Certificate(root.signer.certPem).raw);
    const bundle = (await ds.fetchBundle(td.idString()))!;
    assert.deepEqual(bundle.rootCas.map((r) => Buffer.from(r.derBytes)), [rootDer], 'only the CA Service root is trusted');
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    assert.equal(certChain.length, 3, 'leaf, server CA, CA Service subordinate');
    const v = opensslVerify([rootDer], certChain[0]!, certChain.slice(1), Math.floor(clock.now() / 1000));
    assert.ok(v.ok, v.out);
    await m.close();
  });
});
