import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import type { AttestedNode, MatchBehavior } from '../contract.js';
import { makeNode, now, rejectsWith, sortedSelectors, uid, type SuiteContext } from './context.js';

/** Attested nodes: CRUD, bans, filters, selectors and pruning. */
export function nodeTests(ctx: SuiteContext): void {
  describe('attested nodes', () => {
    it('creates, fetches, updates with a mask and deletes a node', async () => {
      const n = makeNode({ canReattest: true, selectors: [{ type: 'x509pop', value: 'subject:cn:a' }] });
      await ctx.ds.createAttestedNode(n);
      await rejectsWith(ctx.ds.createAttestedNode(n), Code.ALREADY_EXISTS);
      const got = await ctx.ds.fetchAttestedNode(n.spiffeId);
      assert.ok(got);
      assert.equal(got.certSerialNumber, n.certSerialNumber);
      assert.equal(got.certNotAfter, n.certNotAfter);
      assert.equal(got.canReattest, true);
      assert.equal(got.agentVersion, '1.16.0');
      assert.deepEqual(sortedSelectors(got.selectors), ['x509pop:subject:cn:a']);

      const upd = await ctx.ds.updateAttestedNode(
        { ...n, newCertSerialNumber: 'new-1', newCertNotAfter: n.certNotAfter + 10, certSerialNumber: 'ignored' },
        { newCertSerialNumber: true, newCertNotAfter: true },
      );
      assert.equal(upd.newCertSerialNumber, 'new-1');
      assert.equal(upd.certSerialNumber, n.certSerialNumber, 'unmasked field untouched');

      const deleted = await ctx.ds.deleteAttestedNode(n.spiffeId);
      assert.equal(deleted.spiffeId, n.spiffeId);
      assert.equal(await ctx.ds.fetchAttestedNode(n.spiffeId), undefined);
      assert.deepEqual(await ctx.ds.getNodeSelectors(n.spiffeId), []);
      await rejectsWith(ctx.ds.deleteAttestedNode(n.spiffeId), Code.NOT_FOUND);
      await rejectsWith(ctx.ds.updateAttestedNode(n), Code.NOT_FOUND);
    });

    it('bans a node by emptying its serials, and filters by ban', async () => {
      const type = `ban-${uid()}`;
      const a = makeNode({ attestationDataType: type });
      const b = makeNode({ attestationDataType: type });
      await ctx.ds.createAttestedNode(a);
      await ctx.ds.createAttestedNode(b);
      await ctx.ds.updateAttestedNode({ ...a, certSerialNumber: '', newCertSerialNumber: '' }, { certSerialNumber: true, newCertSerialNumber: true });
      const banned = await ctx.ds.listAttestedNodes({ byAttestationType: type, byBanned: true });
      assert.deepEqual(
        banned.nodes.map((x) => x.spiffeId),
        [a.spiffeId],
      );
      const ok = await ctx.ds.listAttestedNodes({ byAttestationType: type, byBanned: false });
      assert.deepEqual(
        ok.nodes.map((x) => x.spiffeId),
        [b.spiffeId],
      );
      assert.equal(await ctx.ds.countAttestedNodes({ byAttestationType: type, byBanned: true }), 1);
      assert.equal(await ctx.ds.countAttestedNodes({ byAttestationType: type }), 2);
    });

    it('filters by expiry, re-attestability, IDs and validity time', async () => {
      const type = `exp-${uid()}`;
      const t = now();
      const old = makeNode({ attestationDataType: type, certNotAfter: t - 100, canReattest: true });
      const cur = makeNode({ attestationDataType: type, certNotAfter: t + 100 });
      await ctx.ds.createAttestedNode(old);
      await ctx.ds.createAttestedNode(cur);
      const ids = (r: { nodes: AttestedNode[] }): string[] => r.nodes.map((n) => n.spiffeId);
      assert.deepEqual(ids(await ctx.ds.listAttestedNodes({ byAttestationType: type, byExpiresBefore: t })), [old.spiffeId]);
      assert.deepEqual(ids(await ctx.ds.listAttestedNodes({ byAttestationType: type, byCanReattest: true })), [old.spiffeId]);
      assert.deepEqual(ids(await ctx.ds.listAttestedNodes({ byAttestationType: type, validAt: t })), [cur.spiffeId]);
      assert.deepEqual(ids(await ctx.ds.listAttestedNodes({ bySpiffeIds: [cur.spiffeId, 'spiffe://example.org/nope'] })), [cur.spiffeId]);
      const many = await ctx.ds.fetchAttestedNodes([old.spiffeId, cur.spiffeId, 'spiffe://example.org/none']);
      assert.equal(many.size, 2);
    });

    it('matches node selectors with every match behaviour', async () => {
      const type = `sel-${uid()}`;
      const v = uid();
      const s = (x: string) => ({ type: 'n', value: `${x}-${v}` });
      const a = makeNode({ attestationDataType: type, selectors: [s('a')] });
      const ab = makeNode({ attestationDataType: type, selectors: [s('a'), s('b')] });
      await ctx.ds.createAttestedNode(a);
      await ctx.ds.createAttestedNode(ab);
      const by = async (match: MatchBehavior, xs: string[]): Promise<string[]> => {
        const res = await ctx.ds.listAttestedNodes({ byAttestationType: type, bySelectorMatch: { selectors: xs.map(s), match }, fetchSelectors: true });
        assert.equal(await ctx.ds.countAttestedNodes({ byAttestationType: type, bySelectorMatch: { selectors: xs.map(s), match } }), res.nodes.length);
        return res.nodes.map((n) => (n.spiffeId === a.spiffeId ? 'a' : 'ab')).sort();
      };
      assert.deepEqual(await by('EXACT', ['a']), ['a']);
      assert.deepEqual(await by('SUBSET', ['a']), ['a']);
      assert.deepEqual(await by('SUBSET', ['a', 'b', 'c']), ['a', 'ab']);
      assert.deepEqual(await by('SUPERSET', ['a']), ['a', 'ab']);
      assert.deepEqual(await by('SUPERSET', ['b']), ['ab']);
      assert.deepEqual(await by('MATCH_ANY', ['b', 'z']), ['ab']);
    });

    it('sets, gets and lists node selectors', async () => {
      const n = makeNode({ certNotAfter: now() - 10 });
      await ctx.ds.createAttestedNode(n);
      await ctx.ds.setNodeSelectors(n.spiffeId, [
        { type: 'a', value: '1' },
        { type: 'b', value: '2' },
      ]);
      assert.deepEqual(sortedSelectors(await ctx.ds.getNodeSelectors(n.spiffeId)), ['a:1', 'b:2']);
      await ctx.ds.setNodeSelectors(n.spiffeId, [{ type: 'c', value: '3' }]);
      assert.deepEqual(sortedSelectors(await ctx.ds.getNodeSelectors(n.spiffeId, true)), ['c:3'], 'set replaces');
      const all = await ctx.ds.listNodeSelectors({});
      assert.deepEqual(sortedSelectors(all.get(n.spiffeId) ?? []), ['c:3']);
      const valid = await ctx.ds.listNodeSelectors({ validAt: now() });
      assert.equal(valid.has(n.spiffeId), false, 'an expired node is not valid now');
    });

    it('prunes expired nodes: never banned ones, non-reattestable only when asked', async () => {
      const t = now();
      const reattestable = makeNode({ certNotAfter: t - 100, canReattest: true, selectors: [{ type: 'p', value: uid() }] });
      const plain = makeNode({ certNotAfter: t - 100, canReattest: false });
      const banned = makeNode({ certNotAfter: t - 100, canReattest: true, certSerialNumber: '' });
      const live = makeNode({ certNotAfter: t + 1000, canReattest: true });
      for (const n of [reattestable, plain, banned, live]) await ctx.ds.createAttestedNode(n);
      await ctx.ds.pruneAttestedExpiredNodes(t - 10, false, 0);
      assert.equal(await ctx.ds.fetchAttestedNode(reattestable.spiffeId), undefined);
      assert.deepEqual(await ctx.ds.getNodeSelectors(reattestable.spiffeId), [], 'selectors go with the node');
      assert.ok(await ctx.ds.fetchAttestedNode(plain.spiffeId));
      assert.ok(await ctx.ds.fetchAttestedNode(banned.spiffeId));
      assert.ok(await ctx.ds.fetchAttestedNode(live.spiffeId));
      await ctx.ds.pruneAttestedExpiredNodes(t - 10, true, 0);
      assert.equal(await ctx.ds.fetchAttestedNode(plain.spiffeId), undefined);
      assert.ok(await ctx.ds.fetchAttestedNode(banned.spiffeId), 'banned nodes are kept so the ban holds');
    });
  });
}
