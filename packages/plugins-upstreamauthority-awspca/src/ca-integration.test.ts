import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TrustDomain } from '@spire-ts/core/plugin';
import { newWorld, startManager, workloadCsr } from '@spire-ts/core/ca-testing';
import { opensslVerify } from '@spire-ts/core/testing';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { makeUA, startAws } from './harness.test-support.js';

const td = TrustDomain.parse('example.org');
let aws: AwsEmulator;
before(async () => {
  aws = await startAws();
});
after(async () => aws.close());

describe('server CA under UpstreamAuthority "aws_pca"', () => {
  it('is issued by the private CA, validated by the CA manager; SVID chains verify with openssl', async () => {
    const pca = await aws.acmPca.createCertificateAuthority({ subordinate: true });
    const ua = await makeUA({ region: 'us-east-1', certificate_authority_arn: pca.arn });
    const w = newWorld();
    const { clock, ds } = w;
    const { m, ca } = await startManager(w, { upstreamAuthority: ua, caTtlMs: 6 * 3600_000 });
    const root = new Uint8Array(pca.root.cert.rawData);
    const bundle = (await ds.fetchBundle(td.idString()))!;
    assert.deepEqual(bundle.rootCas.map((r) => Buffer.from(r.derBytes)), [Buffer.from(root)], 'only the PCA root is trusted');
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    assert.equal(certChain.length, 3, 'leaf, server CA, PCA subordinate');
    const v = opensslVerify([root], certChain[0]!, certChain.slice(1), Math.floor(clock.now() / 1000));
    assert.ok(v.ok, v.out);
    await m.close();
  });
});
