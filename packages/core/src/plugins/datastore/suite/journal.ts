import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { now, rejectsWith, uid, type SuiteContext } from './context.js';

/** CA journals. */
export function journalTests(ctx: SuiteContext): void {
  describe('CA journals', () => {
    it('creates, replaces and fetches a journal by its active authority', async () => {
      const active = `authority-${uid()}`;
      const j = await ctx.ds.setCAJournal({ id: 0, data: new Uint8Array([1, 2, 3]), activeX509AuthorityId: active });
      assert.ok(j.id > 0);
      const got = await ctx.ds.fetchCAJournal(active);
      assert.equal(got?.id, j.id);
      assert.deepEqual([...got!.data], [1, 2, 3]);
      const next = `authority-${uid()}`;
      await ctx.ds.setCAJournal({ id: j.id, data: new Uint8Array([9]), activeX509AuthorityId: next });
      assert.equal(await ctx.ds.fetchCAJournal(active), undefined);
      assert.deepEqual([...(await ctx.ds.fetchCAJournal(next))!.data], [9]);
      await rejectsWith(ctx.ds.setCAJournal({ id: j.id + 1_000_000, data: new Uint8Array([1]), activeX509AuthorityId: next }), Code.NOT_FOUND);
    });

    it('refuses a missing journal or authority ID in SPIRE\'s words', async () => {
      await rejectsWith(ctx.ds.setCAJournal(null as never), Code.INVALID_ARGUMENT, /^ca journal is required$/);
      await rejectsWith(ctx.ds.fetchCAJournal(''), Code.INVALID_ARGUMENT, /^active X509 authority ID is required$/);
    });

    it('prunes journals whose authorities all expired', async () => {
      const t = now();
      const old = `old-${uid()}`;
      const live = `live-${uid()}`;
      await ctx.ds.setCAJournal({ id: 0, data: new Uint8Array([1]), activeX509AuthorityId: old, expiresAt: t - 100 });
      await ctx.ds.setCAJournal({ id: 0, data: new Uint8Array([2]), activeX509AuthorityId: live, expiresAt: t + 100 });
      await ctx.ds.pruneCAJournals(t);
      assert.equal(await ctx.ds.fetchCAJournal(old), undefined);
      assert.equal((await ctx.ds.fetchCAJournal(live))?.expiresAt, t + 100);
    });
  });
}
