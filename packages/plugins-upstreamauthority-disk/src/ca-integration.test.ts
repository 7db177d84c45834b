import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hex, readCertificate, silentLogger, TrustDomain, fromPem } from '@spire-ts/core/plugin';
import { newWorld, startManager, workloadCsr } from '@spire-ts/core/ca-testing';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import { diskUpstreamAuthority } from './index.js';
import { makeTestPki } from './test-pki.js';

const td = TrustDomain.parse('example.org');
const core = { trustDomain: td, dataDir: '/tmp' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const p = makeTestPki('ec');
  dirs.push(p.dir);
  const raw = { cert_file_path: p.intCrt, key_file_path: p.intKey, bundle_file_path: p.rootCrt };
  const ua = await diskUpstreamAuthority.create({ config: diskUpstreamAuthority.parseConfig(raw, core).config!, log: silentLogger(), ...core, host: {} });
  const w = newWorld();
  const { clock, ds } = w;
  const { m, ca } = await startManager(w, { upstreamAuthority: ua, caTtlMs: 6 * 3600_000 });
  return { p, m, ca, ds, clock };
}

describe('server CA under UpstreamAuthority "disk"', () => {
  it('becomes an intermediate: the upstream bundle is the trust root and SVID chains carry the upstream chain', async () => {
    const { p, m, ca, ds, clock } = await setup();
    const bundle = (await ds.fetchBundle(td.idString()))!;
    const root = fromPem(readFileSync(p.rootCrt, 'utf8'))[0]!;
    const int = fromPem(readFileSync(p.intCrt, 'utf8'))[0]!;
    assert.deepEqual(bundle.rootCas.map((r) => Buffer.from(r.derBytes)), [Buffer.from(root)], 'only the upstream root is trusted');

    const x509CA = ca.getX509CA()!;
    assert.equal(x509CA.upstreamChain.length, 2);
    assert.match(opensslText(x509CA.certificate.der), /URI:spiffe:\/\/example.org\n/);
    const state = m.getX509AuthorityState();
    assert.equal(state.active!.upstreamAuthoritySubjectKeyId, hex(readCertificate(int).subjectKeyId));

    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    assert.equal(certChain.length, 3, 'leaf, server CA, upstream intermediate');
    assert.deepEqual(Buffer.from(certChain[2]!), Buffer.from(int));
    const v = opensslVerify([root], certChain[0]!, certChain.slice(1), Math.floor(clock.now() / 1000));
    assert.ok(v.ok, v.out);
    // Without the chain the leaf does not verify: the chain is really needed.
    assert.equal(opensslVerify([root], certChain[0]!, [], Math.floor(clock.now() / 1000)).ok, false);
    await m.close();
  });

  it('keeps minting with the last good credentials when the files turn bad', async () => {
    const { p, m, ca, clock } = await setup();
    writeFileSync(p.intKey, 'garbage');
    await m.prepareX509Authority();
    const prepared = m.getX509AuthorityState().prepared!;
    await m.activateX509Authority(prepared.authorityId);
    const { certChain } = await ca.signWorkloadX509SVID({ spiffeId: 'spiffe://example.org/w', csr: workloadCsr().csr });
    const root = fromPem(readFileSync(p.rootCrt, 'utf8'))[0]!;
    assert.ok(opensslVerify([root], certChain[0]!, certChain.slice(1), Math.floor(clock.now() / 1000)).ok);
    await m.close();
  });
});
