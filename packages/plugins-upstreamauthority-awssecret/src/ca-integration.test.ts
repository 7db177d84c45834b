import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newWorld, startManager, workloadCsr } from '@spire-ts/core/ca-testing';
import { opensslVerify } from '@spire-ts/core/testing';
import type { AwsEmulator } from '@spire-ts/emulator-aws';
import { makeUA, startAws, td } from './harness.test-support.js';

let aws: AwsEmulator;
before(async () => {
  aws = await startAws();
});
after(async () => aws.close());

describe('server CA under UpstreamAuthority "awssecret"', () => {
  it('becomes an intermediate of the upstream CA, validated by the CA manager; SVID chains verify with openssl', async () => {
    const seeded = await aws.secretsManager.seedUpstreamCa({ intermediate: true });
    const ua = await makeUA({ region: 'us-east-1', cert_file_arn: seeded.certArn, key_file_arn: seeded.keyArn, bundle_file_arn: seeded.bundleArn });
    const w = newWorld();
    const { clock, ds } = w;
    const { m, ca } = await startManager(w, { upstreamAuthority: ua, caTtlMs: 6 * 3600_000 });
    const bundle = (await ds.fetchBundle(td.idString()))!;
    const root = new Uint8Array(seeded.root.cert.rawData);
    assert.deepEqual(bundle.rootCas.map((r) => Buffer.from(r.derBytes)), [Buffer.from(root)], 'only the upstream root is trusted');
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    assert.equal(certChain.length, 3, 'leaf, server CA, upstream intermediate');
    const v = opensslVerify([root], certChain[0]!, certChain.slice(1), Math.floor(clock.now() / 1000));
    assert.ok(v.ok, v.out);
    await m.close();
  });
});
