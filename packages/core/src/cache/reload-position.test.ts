import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataStore, ListEventsRequest } from '../plugins/datastore/contract.js';
import { entry, ids, newCache, sqlStoreForSuite, StoreControl } from './test-store.js';

const agent = 'spiffe://example.org/spire/agent/x/reload';

/** Records the requests of every entry event listing made through `ds`. */
function recordLists(ds: DataStore): { ds: DataStore; lists: ListEventsRequest[] } {
  const lists: ListEventsRequest[] = [];
  const proxy = new Proxy(ds, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'listRegistrationEntryEvents') {
        return (req: ListEventsRequest) => {
          lists.push(req);
          return (v as (r: ListEventsRequest) => unknown).call(target, req);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { ds: proxy, lists };
}

describe('AuthorizedEntryCache, full reload with events (SPIRE #6876)', () => {
  const ds = sqlStoreForSuite();

  it('keeps its event position and its skipped IDs across a full reload', async () => {
    const control = new StoreControl(ds);
    const rec = recordLists(control.ds);
    const cache = await newCache(rec.ds, { eventsBasedCache: true });
    await ds.createRegistrationEntry(entry('spiffe://example.org/r0', agent));
    await cache.refresh();
    const late = await ds.createRegistrationEntry(entry('spiffe://example.org/r1', agent));
    await ds.createRegistrationEntry(entry('spiffe://example.org/r2', agent));
    await control.hideLatest(late.entryId);
    await cache.refresh();
    assert.equal(cache.stats().skippedEntryEvents, 1);

    rec.lists.length = 0;
    await cache.reload();
    assert.equal(cache.stats().skippedEntryEvents, 1, 'the gap is still tracked after the reload');
    const fromZero = rec.lists.filter((r) => !r.greaterThanEventId && !r.lessThanEventId);
    assert.deepEqual(fromZero, [], 'no entry event listing from event zero');
    assert.ok(rec.lists.some((r) => (r.greaterThanEventId ?? 0) > 0), 'the reload lists only events after the position');

    control.commitAll();
    await cache.refresh();
    assert.ok(ids(await cache.fetchAuthorizedEntries(agent)).includes(late.entryId), 'the late event is still picked up');
    assert.equal(cache.stats().skippedEntryEvents, 0);
  });
});
