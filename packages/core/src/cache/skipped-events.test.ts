import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entry, ids, newCache, openSqlStore, sqlStoreForSuite, StoreControl } from './test-store.js';

const agent = (n: string) => `spiffe://example.org/spire/agent/x/${n}`;

describe('AuthorizedEntryCache, skipped and late events', () => {
  const ds = sqlStoreForSuite();

  it('tracks a gap in event IDs and applies the event when its transaction commits', async () => {
    const a = agent('gap');
    const control = new StoreControl(ds);
    const cache = await newCache(control.ds, { eventsBasedCache: true });
    await ds.createRegistrationEntry(entry('spiffe://example.org/seed', a)); // gives the feed a first event
    await cache.refresh();
    const e1 = await ds.createRegistrationEntry(entry('spiffe://example.org/g1', a));
    const e2 = await ds.createRegistrationEntry(entry('spiffe://example.org/g2', a));
    const e3 = await ds.createRegistrationEntry(entry('spiffe://example.org/g3', a));
    await control.hideLatest(e2.entryId);
    await cache.refresh();
    const seen = ids(await cache.fetchAuthorizedEntries(a));
    assert.ok(seen.includes(e1.entryId) && seen.includes(e3.entryId) && !seen.includes(e2.entryId));
    assert.equal(cache.stats().skippedEntryEvents, 1);
    await cache.refresh();
    assert.equal(cache.stats().skippedEntryEvents, 1, 'still tracked while within event_timeout');
    control.commitAll();
    await cache.refresh();
    assert.ok(ids(await cache.fetchAuthorizedEntries(a)).includes(e2.entryId));
    assert.equal(cache.stats().skippedEntryEvents, 0);
  });

  it('gives up on a skipped event after event_timeout (only a full reload finds it then)', async () => {
    const a = agent('timeout');
    const control = new StoreControl(ds);
    // 1s polls and a 2s timeout: each skipped ID gets two polls.
    const cache = await newCache(control.ds, { eventsBasedCache: true, cacheReloadIntervalMs: 1000, eventTimeoutMs: 2000 });
    await ds.createRegistrationEntry(entry('spiffe://example.org/t0', a));
    await cache.refresh();
    const late = await ds.createRegistrationEntry(entry('spiffe://example.org/t1', a));
    await ds.createRegistrationEntry(entry('spiffe://example.org/t2', a));
    await control.hideLatest(late.entryId);
    await cache.refresh(); // finds the gap
    await cache.refresh(); // poll 1
    await cache.refresh(); // poll 2
    assert.equal(cache.stats().skippedEntryEvents, 1);
    await cache.refresh(); // out of polls: dropped
    assert.equal(cache.stats().skippedEntryEvents, 0);
    control.commitAll();
    await cache.refresh();
    assert.ok(!ids(await cache.fetchAuthorizedEntries(a)).includes(late.entryId), 'a dropped event is not seen by polling');
    await cache.reload();
    assert.ok(ids(await cache.fetchAuthorizedEntries(a)).includes(late.entryId), 'the full reload finds it');
  });

  it('picks up events below the first one seen when they commit within event_timeout', async () => {
    const fresh = await openSqlStore();
    try {
      const a = agent('before-first');
      const control = new StoreControl(fresh.ds);
      const early = await fresh.ds.createRegistrationEntry(entry('spiffe://example.org/b1', a));
      const firstSeen = await fresh.ds.createRegistrationEntry(entry('spiffe://example.org/b2', a));
      const hiddenId = await control.hideLatest(early.entryId);
      const cache = await newCache(control.ds, { eventsBasedCache: true });
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a)), [firstSeen.entryId]);
      assert.ok((await fresh.ds.listRegistrationEntryEvents({})).every((e) => e.eventId >= hiddenId), 'the hidden event is the lowest');
      assert.equal(cache.stats().skippedEntryEvents, 0, 'not a gap: it lies below the first event seen');
      control.commitAll();
      await cache.refresh();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a)), ids([early, firstSeen]));
    } finally {
      await fresh.close();
    }
  });
});
