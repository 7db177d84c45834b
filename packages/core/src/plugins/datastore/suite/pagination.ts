import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { DATASTORE_MAX_PAGE_SIZE } from '../contract.js';
import { makeBundle, makeEntry, makeNode, rejectsWith, uid, uniqueTd, type SuiteContext } from './context.js';

/** Opaque-token pagination of entries, nodes, bundles and relationships. */
export function paginationTests(ctx: SuiteContext): void {
  describe('pagination', () => {
    it('pages through entries with opaque tokens, each entry once', async () => {
      const parentId = `spiffe://example.org/spire/agent/pages/${uid()}`;
      const made = await ctx.ds.createRegistrationEntries(Array.from({ length: 7 }, () => makeEntry({ parentId })));
      const want = made.map((r) => (r.ok ? r.value.entryId : 'failed')).sort();
      const seen: string[] = [];
      let token = '';
      let pages = 0;
      do {
        const res = await ctx.ds.listRegistrationEntries({ byParentId: parentId, pagination: { token, pageSize: 3 } });
        assert.ok(res.pagination, 'a paged request gets pagination back');
        assert.ok(res.entries.length <= 3);
        seen.push(...res.entries.map((e) => e.entryId));
        token = res.pagination.token;
        pages++;
        assert.ok(pages < 10, 'pagination terminates');
      } while (token !== '');
      assert.deepEqual(seen.sort(), want);
      assert.equal(pages, 3);
    });

    it('caps a huge page size at the store maximum', async () => {
      const res = await ctx.ds.listRegistrationEntries({ pagination: { token: '', pageSize: 2_000_000_000 } });
      assert.ok(res.entries.length <= DATASTORE_MAX_PAGE_SIZE);
      const nodes = await ctx.ds.listAttestedNodes({ pagination: { token: '', pageSize: Number.MAX_SAFE_INTEGER } });
      assert.ok(nodes.nodes.length <= DATASTORE_MAX_PAGE_SIZE);
    });

    it('refuses page size 0 and tokens it did not make', async () => {
      await rejectsWith(ctx.ds.listRegistrationEntries({ pagination: { token: '', pageSize: 0 } }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.listRegistrationEntries({ pagination: { token: 'garbage!', pageSize: 5 } }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.listAttestedNodes({ pagination: { token: "1'; DROP TABLE x; --", pageSize: 5 } }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.listBundles({ pagination: { token: '', pageSize: 0 } }), Code.INVALID_ARGUMENT);
    });

    it('pages through nodes, bundles and federation relationships', async () => {
      const type = `pager-${uid()}`;
      for (let i = 0; i < 5; i++) await ctx.ds.createAttestedNode(makeNode({ attestationDataType: type }));
      let token = '';
      let n = 0;
      do {
        const res = await ctx.ds.listAttestedNodes({ byAttestationType: type, pagination: { token, pageSize: 2 } });
        n += res.nodes.length;
        token = res.pagination!.token;
      } while (token !== '');
      assert.equal(n, 5);

      for (let i = 0; i < 3; i++) await ctx.ds.createBundle(makeBundle(uniqueTd()));
      const total = await ctx.ds.countBundles();
      let bundles = 0;
      token = '';
      do {
        const res = await ctx.ds.listBundles({ pagination: { token, pageSize: 2 } });
        bundles += res.bundles.length;
        token = res.pagination!.token;
      } while (token !== '');
      assert.equal(bundles, total);
      assert.equal((await ctx.ds.listBundles({})).bundles.length, total);

      for (let i = 0; i < 3; i++) {
        await ctx.ds.createFederationRelationship({
          trustDomain: uniqueTd(),
          bundleEndpointUrl: 'https://bundle.example.org/',
          bundleEndpointProfile: 'https_web',
        });
      }
      const frTotal = await ctx.ds.countFederationRelationships();
      let frs = 0;
      token = '';
      do {
        const res = await ctx.ds.listFederationRelationships({ pagination: { token, pageSize: 2 } });
        frs += res.federationRelationships.length;
        token = res.pagination!.token;
      } while (token !== '');
      assert.equal(frs, frTotal);
    });
  });
}
