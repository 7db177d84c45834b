import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code } from '../../../errors.js';
import { DATASTORE_MAX_PAGE_SIZE } from '../contract.js';
import { makeEntry, makeNode, rejectsWith, type SuiteContext } from './context.js';

async function lastEntryEvent(ctx: SuiteContext): Promise<number> {
  const all = await ctx.ds.listRegistrationEntryEvents({});
  return all.length > 0 ? all[all.length - 1]!.eventId : 0;
}

async function lastNodeEvent(ctx: SuiteContext): Promise<number> {
  const all = await ctx.ds.listAttestedNodeEvents({});
  return all.length > 0 ? all[all.length - 1]!.eventId : 0;
}

/** Entry and node events, written with each change. */
export function eventTests(ctx: SuiteContext): void {
  describe('events', () => {
    it('records an entry event for create, update and delete, in order', async () => {
      const from = await lastEntryEvent(ctx);
      const e = await ctx.ds.createRegistrationEntry(makeEntry());
      await ctx.ds.updateRegistrationEntry({ ...e, hint: 'x' }, { hint: true });
      await ctx.ds.deleteRegistrationEntry(e.entryId);
      const evs = await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: from });
      assert.deepEqual(
        evs.map((x) => x.entryId),
        [e.entryId, e.entryId, e.entryId],
      );
      assert.ok(evs[0]!.eventId < evs[1]!.eventId && evs[1]!.eventId < evs[2]!.eventId);
      const one = await ctx.ds.fetchRegistrationEntryEvent(evs[1]!.eventId);
      assert.deepEqual(one, evs[1]);
      const before = await ctx.ds.listRegistrationEntryEvents({ lessThanEventId: evs[0]!.eventId + 1 });
      assert.equal(before[before.length - 1]!.eventId, evs[0]!.eventId);
    });

    it('fetches the events that exist among many IDs, in ID order, across more than one page', async () => {
      const from = await lastEntryEvent(ctx);
      const a = await ctx.ds.createRegistrationEntry(makeEntry());
      const b = await ctx.ds.createRegistrationEntry(makeEntry());
      const evs = await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: from });
      const wanted = [evs[1]!.eventId, evs[0]!.eventId, evs[1]!.eventId + 1_000_000];
      // Fillers push the real IDs past the first page of IDs.
      const fillers = Array.from({ length: DATASTORE_MAX_PAGE_SIZE + 5 }, (_, i) => -1 - i);
      assert.deepEqual(await ctx.ds.fetchRegistrationEntryEvents([...fillers, ...wanted]), [
        { eventId: evs[0]!.eventId, entryId: a.entryId },
        { eventId: evs[1]!.eventId, entryId: b.entryId },
      ]);
      assert.deepEqual(await ctx.ds.fetchRegistrationEntryEvents([]), []);

      const fromNodes = await lastNodeEvent(ctx);
      const n = makeNode();
      await ctx.ds.createAttestedNode(n);
      const nodeEvs = await ctx.ds.listAttestedNodeEvents({ greaterThanEventId: fromNodes });
      assert.deepEqual(await ctx.ds.fetchAttestedNodeEvents([nodeEvs[0]!.eventId + 1_000_000, nodeEvs[0]!.eventId]), [nodeEvs[0]]);
    });

    it('reports an event ID spacing that the IDs it hands out follow', async () => {
      const { increment, offset } = await ctx.ds.eventIdSpacing();
      assert.ok(Number.isInteger(increment) && increment >= 1, String(increment));
      assert.ok(Number.isInteger(offset) && offset >= 1 && offset <= increment, String(offset));
      const from = await lastEntryEvent(ctx);
      await ctx.ds.createRegistrationEntry(makeEntry());
      await ctx.ds.createRegistrationEntry(makeEntry());
      const evs = await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: from });
      for (const e of evs) assert.equal(((e.eventId - offset) % increment + increment) % increment, 0, `event ${e.eventId}`);
    });

    it('records no event for a refused change', async () => {
      const e = await ctx.ds.createRegistrationEntry(makeEntry());
      const from = await lastEntryEvent(ctx);
      await rejectsWith(ctx.ds.createRegistrationEntry({ ...e, entryId: '' }), Code.ALREADY_EXISTS);
      assert.deepEqual(await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: from }), []);
    });

    it('records node events for create, update, selector changes and delete', async () => {
      const from = await lastNodeEvent(ctx);
      const n = makeNode();
      await ctx.ds.createAttestedNode(n);
      await ctx.ds.updateAttestedNode({ ...n, canReattest: true }, { canReattest: true });
      await ctx.ds.setNodeSelectors(n.spiffeId, [{ type: 'a', value: 'b' }]);
      await ctx.ds.deleteAttestedNode(n.spiffeId);
      const evs = await ctx.ds.listAttestedNodeEvents({ greaterThanEventId: from });
      assert.deepEqual(
        evs.map((x) => x.spiffeId),
        [n.spiffeId, n.spiffeId, n.spiffeId, n.spiffeId],
      );
      assert.deepEqual(await ctx.ds.fetchAttestedNodeEvent(evs[0]!.eventId), evs[0]);
      assert.equal(await ctx.ds.fetchAttestedNodeEvent(evs[3]!.eventId + 1_000_000), undefined);
    });

    it('records an entry event for each entry a prune deletes, and a node event for each pruned node', async () => {
      const t = Math.floor(Date.now() / 1000);
      const fromEntries = await lastEntryEvent(ctx);
      const expired = await ctx.ds.createRegistrationEntry(makeEntry({ entryExpiry: t - 100 }));
      const fresh = await ctx.ds.createRegistrationEntry(makeEntry({ entryExpiry: t + 1000 }));
      const afterCreates = await lastEntryEvent(ctx);
      assert.ok(afterCreates > fromEntries);
      await ctx.ds.pruneRegistrationEntries(t);
      // The store is shared with other tests: only this test's two entries are checked.
      const events = (await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: afterCreates })).map((x) => x.entryId);
      assert.equal(events.filter((id) => id === expired.entryId).length, 1, events.join(','));
      assert.ok(!events.includes(fresh.entryId), events.join(','));

      const n = makeNode({ certNotAfter: t - 100, canReattest: true });
      await ctx.ds.createAttestedNode(n);
      const fromNodes = await lastNodeEvent(ctx);
      await ctx.ds.pruneAttestedExpiredNodes(t - 10, false, 0);
      const pruned = (await ctx.ds.listAttestedNodeEvents({ greaterThanEventId: fromNodes })).map((x) => x.spiffeId);
      assert.ok(pruned.includes(n.spiffeId), pruned.join(','));
    });

    it('checkWritable proves a write and leaves no event behind', async () => {
      const fromEntries = await lastEntryEvent(ctx);
      const fromNodes = await lastNodeEvent(ctx);
      await ctx.ds.checkWritable();
      await ctx.ds.checkWritable();
      assert.deepEqual(await ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: fromEntries }), []);
      assert.deepEqual(await ctx.ds.listAttestedNodeEvents({ greaterThanEventId: fromNodes }), []);
    });

    it('refuses both bounds at once', async () => {
      await rejectsWith(ctx.ds.listRegistrationEntryEvents({ greaterThanEventId: 1, lessThanEventId: 5 }), Code.INVALID_ARGUMENT);
      await rejectsWith(ctx.ds.listAttestedNodeEvents({ greaterThanEventId: 1, lessThanEventId: 5 }), Code.INVALID_ARGUMENT);
    });

    it('prunes events older than the given age', async () => {
      await ctx.ds.createRegistrationEntry(makeEntry());
      await ctx.ds.createAttestedNode(makeNode());
      await ctx.ds.pruneRegistrationEntryEvents(60_000);
      await ctx.ds.pruneAttestedNodeEvents(60_000);
      assert.ok((await ctx.ds.listRegistrationEntryEvents({})).length > 0, 'recent events are kept');
      await new Promise((r) => setTimeout(r, 20));
      await ctx.ds.pruneRegistrationEntryEvents(10);
      await ctx.ds.pruneAttestedNodeEvents(10);
      assert.deepEqual(await ctx.ds.listRegistrationEntryEvents({}), []);
      assert.deepEqual(await ctx.ds.listAttestedNodeEvents({}), []);
    });
  });
}
