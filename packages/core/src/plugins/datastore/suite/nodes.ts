import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import type { AttestedNode, MatchBehavior } from '../contract.js';
import { makeEntry, makeNode, now, rejectsWith, sortedSelectors, uid, type SuiteContext } from './context.js';

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

    it('lets exactly one of many concurrent creates of one node win', async () => {
      const n = makeNode();
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => ctx.ds.createAttestedNode({ ...n })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as { code: Code }).code, Code.ALREADY_EXISTS);
      }
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

    it('concurrent selector replacements of one node leave one whole set, never a mix', async () => {
      const n = makeNode();
      await ctx.ds.createAttestedNode(n);
      const sets = Array.from({ length: 6 }, (_, i) => [
        { type: `set${i}`, value: 'a' },
        { type: `set${i}`, value: 'b' },
      ]);
      await Promise.all(sets.map((s) => ctx.ds.setNodeSelectors(n.spiffeId, s)));
      const got = sortedSelectors(await ctx.ds.getNodeSelectors(n.spiffeId));
      assert.ok(
        sets.some((s) => JSON.stringify(sortedSelectors(s)) === JSON.stringify(got)),
        `expected exactly one of the written sets, got ${got.join(', ')}`,
      );
    });

    it("deleting or pruning a join_token node deletes CreateJoinToken's alias entry for it, and only that", async () => {
      const t = now();
      for (const how of ['delete', 'prune'] as const) {
        const agent = `spiffe://example.org/spire/agent/join_token/${uid()}`;
        await ctx.ds.createAttestedNode(makeNode({ spiffeId: agent, attestationDataType: 'join_token', certNotAfter: t - 100, canReattest: false }));
        const alias = await ctx.ds.createRegistrationEntry(makeEntry({ parentId: agent, spiffeId: `spiffe://example.org/host/${uid()}`, selectors: [{ type: 'spiffe_id', value: agent }] }));
        const workload = await ctx.ds.createRegistrationEntry(makeEntry({ parentId: agent }));
        const twoSelectors = await ctx.ds.createRegistrationEntry(
          makeEntry({ parentId: agent, selectors: [{ type: 'spiffe_id', value: agent }, { type: 'unix', value: 'uid:0' }] }),
        );
        const events = await ctx.ds.listRegistrationEntryEvents({});
        const from = events.length > 0 ? events[events.length - 1]!.eventId : 0;
        if (how === 'delete') await ctx.ds.deleteAttestedNode(agent);
        else await ctx.ds.pruneAttestedExpiredNodes(t - 10, true, 0);
        assert.equal(await ctx.ds.fetchAttestedNode(agent), undefined, how);
        assert.equal(await ctx.ds.fetchRegistrationEntry(alias.entryId), undefined, `${how}: the alias entry goes with its agent`);
        assert.ok(await ctx.ds.fetchRegistrationEntry(workload.entryId), `${how}: other entries are kept`);
        assert.ok(await ctx.ds.fetchRegistrationEntry(twoSelectors.entryId), `${how}: an entry with more selectors is kept`);
        const after = (await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: from })).map((e) => e.entryId);
        assert.ok(after.includes(alias.entryId), `${how}: an entry event for the alias`);
      }
      // Another attestation type keeps such an entry.
      const x = makeNode({ certNotAfter: t + 1000 });
      await ctx.ds.createAttestedNode(x);
      const kept = await ctx.ds.createRegistrationEntry(makeEntry({ parentId: x.spiffeId, selectors: [{ type: 'spiffe_id', value: x.spiffeId }] }));
      await ctx.ds.deleteAttestedNode(x.spiffeId);
      assert.ok(await ctx.ds.fetchRegistrationEntry(kept.entryId));
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
