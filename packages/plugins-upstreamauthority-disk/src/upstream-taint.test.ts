import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { Code, fromPem, hex, InProcessKeyManager, readCertificate, silentLogger, SpireError, TrustDomain } from '@spire-ts/core/plugin';
import { CAManager, ServerCA, FakeCADataStore, FakeClock, InlineSigningPool } from '@spire-ts/core/ca-testing';
import { diskUpstreamAuthority } from './index.js';
import { makeTestPki } from './test-pki.js';

const td = TrustDomain.parse('example.org');
const core = { trustDomain: td, dataDir: '/tmp' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('upstream authority taint and revoke', () => {
  it('taints and revokes the old upstream root once the server CA moved to a new upstream', async () => {
    const a = makeTestPki('ec');
    const b = makeTestPki('ec');
    dirs.push(a.dir, b.dir);
    // The plugin reads these paths; they first hold upstream A, later upstream B.
    const crt = `${a.dir}/live.crt`;
    const key = `${a.dir}/live.key`;
    copyFileSync(a.rootCrt, crt);
    copyFileSync(a.rootKey, key);
    const raw = { cert_file_path: crt, key_file_path: key };
    const ua = await diskUpstreamAuthority.create({ config: diskUpstreamAuthority.parseConfig(raw, core).config!, log: silentLogger(), ...core, host: {} });
    const ds = new FakeCADataStore();
    const ca = new ServerCA({ trustDomain: td, clock: new FakeClock(Date.now()) });
    const m = await CAManager.create({
      trustDomain: td,
      clock: new FakeClock(Date.now()),
      log: silentLogger(),
      keyManager: new InProcessKeyManager(),
      dataStore: ds,
      pool: new InlineSigningPool(),
      ca,
      upstreamAuthority: ua,
    });
    await m.initialize();
    const skiA = hex(readCertificate(fromPem(readFileSync(a.rootCrt, 'utf8'))[0]!).subjectKeyId);
    assert.equal(m.getX509AuthorityState().active!.upstreamAuthoritySubjectKeyId, skiA);

    const rejects = (p: Promise<unknown>, code: Code, message: string) =>
      assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof SpireError);
        assert.equal(e.code, code);
        assert.equal(e.message, message);
        return true;
      });
    await rejects(m.taintX509UpstreamAuthority(skiA), Code.INVALID_ARGUMENT, 'provided subject key id is not valid: unable to use upstream authority singing current authority');
    await rejects(m.taintX509Authority('x'), Code.FAILED_PRECONDITION, "local authority can't be tainted if there is an upstream authority");

    // The operator installs upstream B; the next CA is signed by it and activated.
    copyFileSync(b.rootCrt, crt);
    copyFileSync(b.rootKey, key);
    const prepared = await m.prepareX509Authority();
    await m.activateX509Authority(prepared.authorityId);
    assert.equal(m.getX509AuthorityState().old!.upstreamAuthoritySubjectKeyId, skiA);
    assert.equal((await ds.fetchBundle(td.idString()))!.rootCas.length, 2, 'both upstream roots are trusted');

    await m.taintX509UpstreamAuthority(skiA);
    const tainted = (await ds.fetchBundle(td.idString()))!.rootCas.filter((r) => r.taintedKey);
    assert.equal(tainted.length, 1);
    assert.equal(hex(readCertificate(tainted[0]!.derBytes).subjectKeyId), skiA);
    await m.revokeX509UpstreamAuthority(skiA);
    const roots = (await ds.fetchBundle(td.idString()))!.rootCas;
    assert.equal(roots.length, 1);
    assert.notEqual(hex(readCertificate(roots[0]!.derBytes).subjectKeyId), skiA);
    await m.close();
  });
});
