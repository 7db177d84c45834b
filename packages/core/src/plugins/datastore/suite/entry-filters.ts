import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import { Code } from '../../../errors.js';
import type { MatchBehavior, RegistrationEntry, Selector } from '../contract.js';
import { makeBundle, makeEntry, rejectsWith, uid, uniqueTd, type SuiteContext } from './context.js';

/** Listing and counting entries by every filter and match behaviour. */
export function entryFilterTests(ctx: SuiteContext): void {
  describe('entry filters', () => {
    // Entries A{a}, B{a,b}, C{a,b,c}, D{d}, all under one parent so the fixtures stay apart.
    const parentId = `spiffe://example.org/spire/agent/filters/${uid()}`;
    const v = uid();
    const sel = (x: string): Selector => ({ type: 'f', value: `${x}-${v}` });
    const tds = [uniqueTd(), uniqueTd(), uniqueTd()].map((t) => `spiffe://${t}`);
    const ids: Record<string, string> = {};

    before(async () => {
      for (const td of tds) await ctx.ds.createBundle(makeBundle(td.slice('spiffe://'.length)));
      const fixtures: [string, Selector[], string[], Partial<RegistrationEntry>][] = [
        ['A', [sel('a')], [tds[0]!], { hint: `h1-${v}` }],
        ['B', [sel('a'), sel('b')], [tds[0]!, tds[1]!], { downstream: true }],
        ['C', [sel('a'), sel('b'), sel('c')], [tds[0]!, tds[1]!, tds[2]!], { hint: `h1-${v}` }],
        ['D', [sel('d')], [], {}],
      ];
      for (const [name, selectors, federatesWith, over] of fixtures) {
        const e = await ctx.ds.createRegistrationEntry(makeEntry({ parentId, selectors, federatesWith, ...over }));
        ids[e.entryId] = name;
      }
    });

    const names = (entries: RegistrationEntry[]): string[] => entries.map((e) => ids[e.entryId] ?? `?${e.entryId}`).sort();

    async function bySel(match: MatchBehavior, values: string[]): Promise<string[]> {
      const res = await ctx.ds.listRegistrationEntries({ byParentId: parentId, bySelectors: { selectors: values.map(sel), match } });
      const count = await ctx.ds.countRegistrationEntries({ byParentId: parentId, bySelectors: { selectors: values.map(sel), match } });
      assert.equal(count, res.entries.length, 'count agrees with list');
      return names(res.entries);
    }

    it('selectors EXACT', async () => {
      assert.deepEqual(await bySel('EXACT', ['a', 'b']), ['B']);
      assert.deepEqual(await bySel('EXACT', ['b', 'a', 'a']), ['B'], 'order and duplicates in the request do not matter');
      assert.deepEqual(await bySel('EXACT', ['b']), []);
    });

    it('selectors SUBSET (entry selectors within the request)', async () => {
      assert.deepEqual(await bySel('SUBSET', ['a', 'b']), ['A', 'B']);
      assert.deepEqual(await bySel('SUBSET', ['a', 'b', 'c', 'd']), ['A', 'B', 'C', 'D']);
      assert.deepEqual(await bySel('SUBSET', ['b', 'c']), []);
    });

    it('selectors SUPERSET (entry selectors contain the request)', async () => {
      assert.deepEqual(await bySel('SUPERSET', ['a', 'b']), ['B', 'C']);
      assert.deepEqual(await bySel('SUPERSET', ['a']), ['A', 'B', 'C']);
      assert.deepEqual(await bySel('SUPERSET', ['a', 'd']), []);
    });

    it('selectors MATCH_ANY', async () => {
      assert.deepEqual(await bySel('MATCH_ANY', ['c', 'd']), ['C', 'D']);
      assert.deepEqual(await bySel('MATCH_ANY', ['zzz']), []);
    });

    it('an empty selector filter is INVALID_ARGUMENT', async () => {
      await rejectsWith(ctx.ds.listRegistrationEntries({ bySelectors: { selectors: [], match: 'EXACT' } }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.countRegistrationEntries({ bySelectors: { selectors: [], match: 'MATCH_ANY' } }), Code.INVALID_ARGUMENT);
    });

    async function byFed(match: MatchBehavior, idx: number[]): Promise<string[]> {
      const req = { byParentId: parentId, byFederatesWith: { trustDomains: idx.map((i) => tds[i]!), match } };
      const res = await ctx.ds.listRegistrationEntries(req);
      assert.equal(await ctx.ds.countRegistrationEntries(req), res.entries.length, 'count agrees with list');
      return names(res.entries);
    }

    it('federates_with EXACT, SUBSET, SUPERSET and MATCH_ANY', async () => {
      assert.deepEqual(await byFed('EXACT', [0, 1]), ['B']);
      assert.deepEqual(await byFed('SUBSET', [0, 1]), ['A', 'B']);
      assert.deepEqual(await byFed('SUPERSET', [0, 1]), ['B', 'C']);
      assert.deepEqual(await byFed('MATCH_ANY', [2]), ['C']);
      assert.deepEqual(await byFed('SUBSET', [2]), [], 'an entry must federate with something in the request');
    });

    it('by SPIFFE ID, parent ID, hint and downstream, combined with AND', async () => {
      assert.deepEqual(names((await ctx.ds.listRegistrationEntries({ byParentId: parentId })).entries), ['A', 'B', 'C', 'D']);
      assert.deepEqual(names((await ctx.ds.listRegistrationEntries({ byHint: `h1-${v}` })).entries), ['A', 'C']);
      assert.deepEqual(names((await ctx.ds.listRegistrationEntries({ byParentId: parentId, byDownstream: true })).entries), ['B']);
      assert.deepEqual(names((await ctx.ds.listRegistrationEntries({ byParentId: parentId, byDownstream: false })).entries), ['A', 'C', 'D']);
      const c = Object.keys(ids).find((k) => ids[k] === 'C')!;
      const cEntry = await ctx.ds.fetchRegistrationEntry(c);
      assert.deepEqual(names((await ctx.ds.listRegistrationEntries({ bySpiffeId: cEntry!.spiffeId })).entries), ['C']);
      assert.deepEqual(
        names(
          (
            await ctx.ds.listRegistrationEntries({
              byHint: `h1-${v}`,
              bySelectors: { selectors: [sel('a'), sel('b')], match: 'SUPERSET' },
            })
          ).entries,
        ),
        ['C'],
      );
      assert.equal(await ctx.ds.countRegistrationEntries({ byParentId: parentId, byHint: `h1-${v}` }), 2);
    });

    it('listed entries carry their selectors, trust domains and DNS names', async () => {
      const res = await ctx.ds.listRegistrationEntries({ byParentId: parentId, bySelectors: { selectors: [sel('c')], match: 'MATCH_ANY' } });
      assert.equal(res.entries.length, 1);
      assert.equal(res.entries[0]!.selectors.length, 3);
      assert.deepEqual([...res.entries[0]!.federatesWith].sort(), [...tds].sort());
    });
  });
}
