import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { now, rejectsWith, uid, type SuiteContext } from './context.js';

/** Join tokens: create, fetch, delete, atomic consumption, pruning and counts. */
export function tokenTests(ctx: SuiteContext): void {
  describe('join tokens', () => {
    it('creates, fetches, counts and deletes a token', async () => {
      const before = await ctx.ds.countJoinTokens();
      const token = `tok-${uid()}`;
      await ctx.ds.createJoinToken({ token, expiry: now() + 600 });
      await rejectsWith(ctx.ds.createJoinToken({ token, expiry: now() + 600 }), Code.ALREADY_EXISTS);
      assert.equal(await ctx.ds.countJoinTokens(), before + 1);
      const got = await ctx.ds.fetchJoinToken(token);
      assert.equal(got?.token, token);
      await ctx.ds.deleteJoinToken(token);
      assert.equal(await ctx.ds.fetchJoinToken(token), undefined);
      await rejectsWith(ctx.ds.deleteJoinToken(token), Code.NOT_FOUND);
    });

    it('requires a token and an expiry', async () => {
      await rejectsWith(ctx.ds.createJoinToken({ token: '', expiry: now() }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.createJoinToken({ token: `t-${uid()}`, expiry: 0 }), Code.INVALID_ARGUMENT);
    });

    it('lets exactly one of many concurrent consumers have a token', async () => {
      const token = `once-${uid()}`;
      await ctx.ds.createJoinToken({ token, expiry: now() + 600 });
      const results = await Promise.all(Array.from({ length: 10 }, () => ctx.ds.consumeJoinToken(token)));
      assert.equal(results.filter((r) => r !== undefined).length, 1);
      assert.equal(await ctx.ds.fetchJoinToken(token), undefined);
      assert.equal(await ctx.ds.consumeJoinToken(token), undefined);
    });

    it('prunes expired tokens only', async () => {
      const t = now();
      const old = `old-${uid()}`;
      const live = `live-${uid()}`;
      await ctx.ds.createJoinToken({ token: old, expiry: t - 100 });
      await ctx.ds.createJoinToken({ token: live, expiry: t + 100 });
      await ctx.ds.pruneJoinTokens(t);
      assert.equal(await ctx.ds.fetchJoinToken(old), undefined);
      assert.ok(await ctx.ds.fetchJoinToken(live));
    });
  });
}
