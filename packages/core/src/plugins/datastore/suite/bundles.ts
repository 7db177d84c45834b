import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { CURRENT_CA, EXPIRED_CA, OTHER_CA } from './certs.js';
import { makeBundle, makeEntry, now, rejectsWith, uniqueTd, type SuiteContext } from './context.js';

const key = (kid: string, notAfter = 0) => ({ pkixBytes: new Uint8Array([1, 2, 3, kid.length]), kid, notAfter, taintedKey: false });
const root = (der: Uint8Array) => ({ derBytes: der, taintedKey: false });

/** Bundles: CRUD, append, masks, the three delete modes, pruning, taint and revoke. */
export function bundleTests(ctx: SuiteContext): void {
  describe('bundles', () => {
    it('creates, fetches, sets, updates with a mask and counts', async () => {
      const td = uniqueTd();
      const before = await ctx.ds.countBundles();
      const b = makeBundle(td, { rootCas: [root(CURRENT_CA.der)], jwtSigningKeys: [key('k1', 4_000_000_000)], refreshHint: 60, sequenceNumber: 3 });
      await ctx.ds.createBundle(b);
      await rejectsWith(ctx.ds.createBundle(b), Code.ALREADY_EXISTS);
      assert.equal(await ctx.ds.countBundles(), before + 1);
      const got = await ctx.ds.fetchBundle(`spiffe://${td}`);
      assert.ok(got);
      assert.deepEqual(Buffer.from(got.rootCas[0]!.derBytes), Buffer.from(CURRENT_CA.der));
      assert.equal(got.jwtSigningKeys[0]!.kid, 'k1');
      assert.equal(got.jwtSigningKeys[0]!.notAfter, 4_000_000_000);
      assert.equal(got.refreshHint, 60);
      assert.equal(got.sequenceNumber, 3);

      const upd = await ctx.ds.updateBundle({ ...b, refreshHint: 120, rootCas: [] }, { refreshHint: true });
      assert.equal(upd.refreshHint, 120);
      assert.equal(upd.rootCas.length, 1, 'unmasked root CAs kept');
      await rejectsWith(ctx.ds.updateBundle(makeBundle(uniqueTd())), Code.NOT_FOUND);

      const set = await ctx.ds.setBundle({ ...b, rootCas: [root(OTHER_CA.der)], refreshHint: 5 });
      assert.equal(set.refreshHint, 5);
      const after = await ctx.ds.fetchBundle(`spiffe://${td}`);
      assert.deepEqual(Buffer.from(after!.rootCas[0]!.derBytes), Buffer.from(OTHER_CA.der));
      const fresh = uniqueTd();
      await ctx.ds.setBundle(makeBundle(fresh));
      assert.ok(await ctx.ds.fetchBundle(`spiffe://${fresh}`), 'set creates a missing bundle');
      assert.equal(await ctx.ds.fetchBundle(`spiffe://${uniqueTd()}`), undefined);
    });

    it('appends only what is new, bumping the sequence number', async () => {
      const td = uniqueTd();
      await ctx.ds.appendBundle(makeBundle(td, { rootCas: [root(CURRENT_CA.der)], sequenceNumber: 1 }));
      const same = await ctx.ds.appendBundle(makeBundle(td, { rootCas: [root(CURRENT_CA.der)] }));
      assert.equal(same.rootCas.length, 1);
      assert.equal(same.sequenceNumber, 1, 'nothing new, no bump');
      const more = await ctx.ds.appendBundle(makeBundle(td, { rootCas: [root(OTHER_CA.der)], jwtSigningKeys: [key('k2')] }));
      assert.equal(more.rootCas.length, 2);
      assert.equal(more.jwtSigningKeys.length, 1);
      assert.equal(more.sequenceNumber, 2);
    });

    it('concurrent appends to one bundle lose nothing', async () => {
      const td = uniqueTd();
      await ctx.ds.createBundle(makeBundle(td));
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => ctx.ds.appendBundle(makeBundle(td, { jwtSigningKeys: [key(`kid-${i}`)] }))),
      );
      const got = await ctx.ds.fetchBundle(`spiffe://${td}`);
      assert.equal(got?.jwtSigningKeys.length, 12);
    });

    it('delete RESTRICT refuses while entries federate, then deletes', async () => {
      const td = uniqueTd();
      await ctx.ds.createBundle(makeBundle(td));
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ federatesWith: [`spiffe://${td}`] }));
      await rejectsWith(ctx.ds.deleteBundle(`spiffe://${td}`, 'RESTRICT'), Code.FAILED_PRECONDITION);
      assert.ok(await ctx.ds.fetchBundle(`spiffe://${td}`));
      await ctx.ds.deleteRegistrationEntry(e.entryId);
      await ctx.ds.deleteBundle(`spiffe://${td}`, 'RESTRICT');
      assert.equal(await ctx.ds.fetchBundle(`spiffe://${td}`), undefined);
      await rejectsWith(ctx.ds.deleteBundle(`spiffe://${td}`, 'RESTRICT'), Code.NOT_FOUND);
    });

    it('delete DELETE removes the federating entries', async () => {
      const td = uniqueTd();
      const other = uniqueTd();
      await ctx.ds.createBundle(makeBundle(td));
      await ctx.ds.createBundle(makeBundle(other));
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ federatesWith: [`spiffe://${td}`, `spiffe://${other}`] }));
      const unrelated = await ctx.ds.createRegistrationEntry(makeEntry({ federatesWith: [`spiffe://${other}`] }));
      await ctx.ds.deleteBundle(`spiffe://${td}`, 'DELETE');
      assert.equal(await ctx.ds.fetchRegistrationEntry(e.entryId), undefined);
      assert.ok(await ctx.ds.fetchRegistrationEntry(unrelated.entryId));
    });

    it('delete DISSOCIATE keeps the entries without the trust domain', async () => {
      const td = uniqueTd();
      const other = uniqueTd();
      await ctx.ds.createBundle(makeBundle(td));
      await ctx.ds.createBundle(makeBundle(other));
      const e = await ctx.ds.createRegistrationEntry(makeEntry({ federatesWith: [`spiffe://${td}`, `spiffe://${other}`] }));
      await ctx.ds.deleteBundle(`spiffe://${td}`, 'DISSOCIATE');
      const got = await ctx.ds.fetchRegistrationEntry(e.entryId);
      assert.deepEqual(got?.federatesWith, [`spiffe://${other}`]);
    });

    it('prunes expired root CAs and JWT keys, but never every root CA', async () => {
      const td = uniqueTd();
      const t = now();
      await ctx.ds.createBundle(
        makeBundle(td, {
          rootCas: [root(EXPIRED_CA.der), root(CURRENT_CA.der)],
          jwtSigningKeys: [key('old', t - 10), key('new', t + 1000), key('forever', 0)],
          sequenceNumber: 7,
        }),
      );
      assert.equal(await ctx.ds.pruneBundle(`spiffe://${td}`, t), true);
      const got = await ctx.ds.fetchBundle(`spiffe://${td}`);
      assert.equal(got?.rootCas.length, 1);
      assert.deepEqual(Buffer.from(got!.rootCas[0]!.derBytes), Buffer.from(CURRENT_CA.der));
      assert.deepEqual(got?.jwtSigningKeys.map((k) => k.kid).sort(), ['forever', 'new']);
      assert.equal(got?.sequenceNumber, 8);
      assert.equal(await ctx.ds.pruneBundle(`spiffe://${td}`, t), false, 'nothing left to prune');
      await rejectsWith(ctx.ds.pruneBundle(`spiffe://${td}`, CURRENT_CA.notAfter + 1), Code.FAILED_PRECONDITION);
      assert.equal((await ctx.ds.fetchBundle(`spiffe://${td}`))?.rootCas.length, 1, 'a refused prune changes nothing');
    });

    it('taints and revokes X.509 authorities by subject key ID', async () => {
      const td = uniqueTd();
      const id = `spiffe://${td}`;
      await ctx.ds.createBundle(makeBundle(td, { rootCas: [root(CURRENT_CA.der), root(OTHER_CA.der)] }));
      await rejectsWith(ctx.ds.revokeX509CA(id, CURRENT_CA.subjectKeyId), Code.INVALID_ARGUMENT);
      await ctx.ds.taintX509CA(id, CURRENT_CA.subjectKeyId);
      await rejectsWith(ctx.ds.taintX509CA(id, CURRENT_CA.subjectKeyId), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.taintX509CA(id, 'ffff'), Code.NOT_FOUND);
      const tainted = await ctx.ds.fetchBundle(id);
      assert.deepEqual(
        tainted?.rootCas.map((c) => c.taintedKey),
        [true, false],
      );
      await ctx.ds.revokeX509CA(id, CURRENT_CA.subjectKeyId);
      const after = await ctx.ds.fetchBundle(id);
      assert.equal(after?.rootCas.length, 1);
      assert.deepEqual(Buffer.from(after!.rootCas[0]!.derBytes), Buffer.from(OTHER_CA.der));
    });

    it('taints and revokes JWT keys by key ID', async () => {
      const td = uniqueTd();
      const id = `spiffe://${td}`;
      await ctx.ds.createBundle(makeBundle(td, { jwtSigningKeys: [key('a'), key('b')] }));
      await rejectsWith(ctx.ds.revokeJWTKey(id, 'a'), Code.INVALID_ARGUMENT);
      const t = await ctx.ds.taintJWTKey(id, 'a');
      assert.equal(t.kid, 'a');
      assert.equal(t.taintedKey, true);
      await rejectsWith(ctx.ds.taintJWTKey(id, 'a'), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.taintJWTKey(id, 'zzz'), Code.NOT_FOUND);
      const r = await ctx.ds.revokeJWTKey(id, 'a');
      assert.equal(r.kid, 'a');
      assert.deepEqual(
        (await ctx.ds.fetchBundle(id))?.jwtSigningKeys.map((k) => k.kid),
        ['b'],
      );
    });
  });
}
