import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '../../errors.js';
import { TD } from '../test-support/fixture.js';
import { newWorld, startManager } from '../test-support/manager-fixture.js';

const td = TD.idString();

async function rejects(p: Promise<unknown>, code: Code, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SpireError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    return true;
  });
}

describe('local authority operations: X.509', () => {
  it('prepare, activate, taint and revoke the old authority; the bundle follows', async () => {
    const w = newWorld();
    const { m, ca } = await startManager(w);
    const first = m.getX509AuthorityState().active!;

    await rejects(m.activateX509Authority(''), Code.INVALID_ARGUMENT, 'no authority ID provided');
    await rejects(m.taintX509Authority(first.authorityId), Code.INVALID_ARGUMENT, 'unable to taint current local authority');

    const prepared = await m.prepareX509Authority();
    assert.notEqual(prepared.authorityId, first.authorityId);
    assert.deepEqual(m.getX509AuthorityState().prepared, prepared);
    await rejects(m.activateX509Authority('nope'), Code.INVALID_ARGUMENT, 'unexpected authority ID');
    await rejects(m.taintX509Authority(prepared.authorityId), Code.INVALID_ARGUMENT, 'only Old local authorities can be tainted: unsupported local authority status: PREPARED');

    const active = await m.activateX509Authority(prepared.authorityId);
    assert.equal(active.authorityId, prepared.authorityId);
    assert.equal(m.getX509AuthorityState().old?.authorityId, first.authorityId);
    assert.equal(ca.getX509CA() !== undefined, true);
    await rejects(m.activateX509Authority(first.authorityId), Code.INTERNAL, 'only Prepared authorities can be activated: unsupported local authority status: OLD');

    await rejects(m.revokeX509Authority(first.authorityId), Code.INTERNAL, 'failed to revoke X.509 authority: it is not possible to revoke an untainted root CA');
    const seq = (await w.ds.fetchBundle(td))!.sequenceNumber;
    const told: Uint8Array[][] = [];
    ca.onTaintedX509Authorities((t) => told.push(t));
    await m.taintX509Authority(first.authorityId);
    let b = (await w.ds.fetchBundle(td))!;
    assert.equal(b.sequenceNumber, seq + 1);
    assert.equal(b.rootCas.filter((r) => r.taintedKey).length, 1);
    // The server SVID rotator hears of it, with the tainted root from the bundle.
    assert.deepEqual(told, [[b.rootCas.find((r) => r.taintedKey)!.derBytes]]);
    await m.revokeX509Authority(first.authorityId);
    await m.settled();
    b = (await w.ds.fetchBundle(td))!;
    assert.equal(b.rootCas.length, 1);
    assert.equal(w.notifier.updated.at(-1)!.sequenceNumber, b.sequenceNumber);
    await rejects(m.revokeX509Authority(active.authorityId), Code.INVALID_ARGUMENT, 'invalid authority ID: unable to use current authority');
    await rejects(m.taintX509UpstreamAuthority('abc'), Code.FAILED_PRECONDITION, 'upstream authority is not configured');
    await m.close();
  });
});

describe('local authority operations: JWT', () => {
  it('prepare, activate, taint and revoke the old key', async () => {
    const w = newWorld();
    const { m, ca } = await startManager(w);
    const first = m.getJWTAuthorityState().active!;
    const prepared = await m.prepareJWTAuthority();
    await rejects(m.revokeJWTAuthority(prepared.authorityId), Code.INVALID_ARGUMENT, 'invalid authority ID: unable to use a prepared key');
    await m.activateJWTAuthority(prepared.authorityId);
    assert.equal(ca.getJWTKey()!.kid, prepared.authorityId);
    assert.equal(m.getJWTAuthorityState().old!.authorityId, first.authorityId);
    await rejects(m.taintJWTAuthority(prepared.authorityId), Code.INVALID_ARGUMENT, 'unable to taint current local authority');
    const tainted = await m.taintJWTAuthority(first.authorityId);
    assert.equal(tainted.authorityId, first.authorityId);
    assert.equal((await w.ds.fetchBundle(td))!.jwtSigningKeys.find((k) => k.kid === first.authorityId)!.taintedKey, true);
    await m.revokeJWTAuthority(first.authorityId);
    assert.deepEqual((await w.ds.fetchBundle(td))!.jwtSigningKeys.map((k) => k.kid), [prepared.authorityId]);
    await m.close();
  });

  it('reports JWT functionality disabled', async () => {
    const w = newWorld();
    const { m, ca } = await startManager(w, { disableJwtSvids: true });
    assert.equal(ca.getJWTKey(), undefined);
    assert.equal((await w.ds.fetchBundle(td))!.jwtSigningKeys.length, 0);
    await rejects(Promise.resolve().then(() => m.getJWTAuthorityState()), Code.UNIMPLEMENTED, 'JWT functionality is disabled');
    await m.close();
  });
});
