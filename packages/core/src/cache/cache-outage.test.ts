import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, SpireError } from '../errors.js';
import { entry, ids, newCache, sqlStoreForSuite, StoreControl } from './test-store.js';

const A = 'spiffe://example.org/spire/agent/x/outage';

function isUnavailable(err: unknown): boolean {
  return err instanceof SpireError && err.code === Code.UNAVAILABLE;
}

for (const eventsBasedCache of [false, true]) {
  describe(`AuthorizedEntryCache during a database outage (events_based_cache ${eventsBasedCache})`, () => {
    const ds = sqlStoreForSuite();

    it('refuses to build while the database is down', async () => {
      const control = new StoreControl(ds);
      control.down = true;
      await assert.rejects(newCache(control.ds, { eventsBasedCache }), isUnavailable);
    });

    it('keeps serving its last state, then catches up when the database is back', async () => {
      const control = new StoreControl(ds);
      const kept = await ds.createRegistrationEntry(entry('spiffe://example.org/kept', A));
      const cache = await newCache(control.ds, { eventsBasedCache });
      const added = await ds.createRegistrationEntry(entry('spiffe://example.org/added', A));
      control.down = true;
      await assert.rejects(cache.refresh(), isUnavailable);
      await assert.rejects(cache.reload(), isUnavailable);
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A)), [kept.entryId], 'old contents served during the outage');
      control.down = false;
      await cache.refresh();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A)), ids([kept, added]));
    });

    it('retries a change note whose fetch failed', async () => {
      const control = new StoreControl(ds);
      const cache = await newCache(control.ds, { eventsBasedCache });
      const created = await ds.createRegistrationEntry(entry('spiffe://example.org/noted', A));
      control.down = true;
      cache.noteEntryChanged(created.entryId);
      await cache.whenIdle();
      assert.equal(cache.stats().pendingEntries, 1, 'kept for a retry');
      control.down = false;
      cache.noteNodeChanged(A); // any later step retries the pending entry too
      await cache.whenIdle();
      assert.equal(cache.stats().pendingEntries, 0);
      assert.ok(ids(await cache.fetchAuthorizedEntries(A)).includes(created.entryId));
    });
  });
}
