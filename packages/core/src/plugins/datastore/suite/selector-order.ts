import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Selector } from '../contract.js';
import { makeEntry, makeNode, uid, type SuiteContext } from './context.js';

/** `type:value` of each selector, in the order given. */
function inOrder(s: readonly Selector[] | undefined): string[] {
  return (s ?? []).map((x) => `${x.type}:${x.value}`);
}

/** Selectors deliberately out of sorted order (by type and by value), unique per call. */
function unsorted(tag = uid()): Selector[] {
  return [
    { type: 'zebra', value: `zebra:2000:${tag}` },
    { type: 'alpha', value: `alpha:2000:${tag}` },
    { type: 'unix', value: `uid:9:${tag}` },
    { type: 'unix', value: `gid:1:${tag}` },
  ];
}

/**
 * Selectors come back in the order they were written, as SPIRE returns them (its selector rows are
 * read back by row id), on every read path: single reads, lists, batch creates, updates and the
 * bulk scans. A selector given twice is kept once, at its first place.
 */
export function selectorOrderTests(ctx: SuiteContext): void {
  describe('selector order', () => {
    it('keeps an entry\'s selectors in request order on create, fetch, list and scan', async () => {
      const sels = unsorted();
      const want = inOrder(sels);
      const created = await ctx.ds.createRegistrationEntry(makeEntry({ selectors: sels }));
      assert.deepEqual(inOrder(created.selectors), want, 'create');
      assert.deepEqual(inOrder((await ctx.ds.fetchRegistrationEntry(created.entryId))?.selectors), want, 'fetch');
      assert.deepEqual(inOrder((await ctx.ds.fetchRegistrationEntries([created.entryId])).get(created.entryId)?.selectors), want, 'fetch many');
      const listed = await ctx.ds.listRegistrationEntries({ byParentId: created.parentId });
      assert.deepEqual(inOrder(listed.entries[0]?.selectors), want, 'list');
      const bySel = await ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [...sels].reverse(), match: 'EXACT' } });
      assert.deepEqual(inOrder(bySel.entries[0]?.selectors), want, 'list by selectors');
      let scanned: Selector[] | undefined;
      for await (const batch of ctx.ds.scanRegistrationEntries({ batchSize: 7 })) {
        scanned ??= batch.find((e) => e.entryId === created.entryId)?.selectors;
      }
      assert.deepEqual(inOrder(scanned), want, 'scan');
    });

    it('keeps request order in batch creates, create-or-return and updates; duplicates kept once', async () => {
      const [a, b] = [unsorted(), unsorted()];
      const made = await ctx.ds.createRegistrationEntries([makeEntry({ selectors: a }), makeEntry({ selectors: [...b, b[1]!] })]);
      const ids = made.map((r) => (r.ok ? r.value.entryId : assert.fail(r.error.message)));
      const got = await ctx.ds.fetchRegistrationEntries(ids);
      assert.deepEqual(inOrder(got.get(ids[0]!)?.selectors), inOrder(a), 'batch item 1');
      assert.deepEqual(inOrder(got.get(ids[1]!)?.selectors), inOrder(b), 'batch item 2, its duplicate kept once');

      const c = unsorted();
      const first = await ctx.ds.createOrReturnRegistrationEntry(makeEntry({ selectors: c }));
      assert.deepEqual(inOrder(first.entry.selectors), inOrder(c), 'create-or-return, created');
      const again = await ctx.ds.createOrReturnRegistrationEntry({ ...first.entry, entryId: '', selectors: [...c].reverse() });
      assert.equal(again.existing, true, 'the same set in another order is similar');
      assert.deepEqual(inOrder(again.entry.selectors), inOrder(c), 'create-or-return, existing: stored order');

      const d = unsorted().reverse();
      const updated = await ctx.ds.updateRegistrationEntry({ ...first.entry, selectors: d }, { selectors: true });
      assert.deepEqual(inOrder(updated.selectors), inOrder(d), 'update result');
      assert.deepEqual(inOrder((await ctx.ds.fetchRegistrationEntry(first.entry.entryId))?.selectors), inOrder(d), 'after update');
      const hinted = await ctx.ds.updateRegistrationEntry({ ...first.entry, hint: 'h' }, { hint: true });
      assert.deepEqual(inOrder(hinted.selectors), inOrder(d), 'an update without selectors keeps their order');
    });

    it('keeps a node\'s selectors in request order on every read path', async () => {
      const sels = unsorted();
      const want = inOrder(sels);
      const n = makeNode({ selectors: sels });
      assert.deepEqual(inOrder((await ctx.ds.createAttestedNode(n)).selectors), want, 'create');
      assert.deepEqual(inOrder((await ctx.ds.fetchAttestedNode(n.spiffeId))?.selectors), want, 'fetch');
      assert.deepEqual(inOrder((await ctx.ds.fetchAttestedNodes([n.spiffeId])).get(n.spiffeId)?.selectors), want, 'fetch many');
      assert.deepEqual(inOrder(await ctx.ds.getNodeSelectors(n.spiffeId)), want, 'get');
      const listed = await ctx.ds.listAttestedNodes({ fetchSelectors: true, bySelectorMatch: { selectors: [sels[0]!], match: 'MATCH_ANY' } });
      assert.deepEqual(inOrder(listed.nodes.find((x) => x.spiffeId === n.spiffeId)?.selectors), want, 'list');

      const next = [...unsorted(), sels[0]!].reverse();
      await ctx.ds.setNodeSelectors(n.spiffeId, [...next, next[0]!]);
      const want2 = inOrder(next);
      assert.deepEqual(inOrder(await ctx.ds.getNodeSelectors(n.spiffeId)), want2, 'get after set (duplicate kept once)');
      assert.deepEqual(inOrder((await ctx.ds.listNodeSelectors({})).get(n.spiffeId)), want2, 'list node selectors');
      assert.deepEqual(inOrder((await ctx.ds.listNodeSelectors({ validAt: Math.floor(Date.now() / 1000) })).get(n.spiffeId)), want2, 'list valid');
      let scanned: Selector[] | undefined;
      for await (const batch of ctx.ds.scanAttestedNodes({ batchSize: 3 })) {
        scanned ??= batch.find((x) => x.spiffeId === n.spiffeId)?.selectors;
      }
      assert.deepEqual(inOrder(scanned), want2, 'scan');
    });
  });
}
