import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import { attest, entry, ids, newCache, sqlStoreForSuite, SERVER_ID } from './test-store.js';

const AGENT = 'spiffe://example.org/spire/agent/x/expiry';
const sel = (v: string) => ({ type: 'k8s', value: v });

describe('AuthorizedEntryCache and entry expiry', () => {
  const ds = sqlStoreForSuite();

  it('never hands out an entry past its expiry, nor what hangs off it, even before a prune', async () => {
    const nowSec = 2_000_000_000;
    let nowMs = nowSec * 1000;
    const create = (e: RegistrationEntry) => ds.createRegistrationEntry(e);
    await attest(ds, AGENT, [sel('pool:p1')]);
    const live = await create(entry('spiffe://example.org/live', AGENT));
    const expired = await create({ ...entry('spiffe://example.org/expired-admin', AGENT), admin: true, entryExpiry: nowSec - 388 });
    const belowExpired = await create(entry('spiffe://example.org/below-expired', 'spiffe://example.org/expired-admin'));
    // A node alias that expired: what is parented to it is no longer reached through it.
    await create({ ...entry('spiffe://example.org/pool/p1', SERVER_ID, [sel('pool:p1')]), entryExpiry: nowSec - 1 });
    const viaAlias = await create(entry('spiffe://example.org/via-alias', 'spiffe://example.org/pool/p1'));
    const soon = await create({ ...entry('spiffe://example.org/soon', AGENT), entryExpiry: nowSec + 60 });

    const cache = await newCache(ds, { now: () => nowMs });
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(AGENT)), ids([live, soon]));
    const asked = new Set([live, expired, belowExpired, viaAlias, soon].map((e) => e.entryId));
    assert.deepEqual([...(await cache.lookupAuthorizedEntries(AGENT, asked)).keys()].sort(), ids([live, soon]));

    // Expiring at exactly "now" is still valid (as the prune's `expiry < now`); a second later it is not.
    nowMs = (nowSec + 60) * 1000;
    assert.deepEqual(ids(cache.authorizedEntries(AGENT)), ids([live, soon]));
    nowMs += 1000;
    assert.deepEqual(ids(cache.authorizedEntries(AGENT)), [live.entryId]);
    assert.deepEqual([...(await cache.lookupAuthorizedEntries(AGENT, asked)).keys()], [live.entryId]);
  });

  it('drops pruned entries through the entry events (events_based_cache on)', async () => {
    const agent = `${AGENT}/events`;
    const nowSec = Math.floor(Date.now() / 1000);
    const kept = await ds.createRegistrationEntry(entry('spiffe://example.org/events/kept', agent));
    const gone = await ds.createRegistrationEntry({ ...entry('spiffe://example.org/events/gone', agent), entryExpiry: nowSec - 10 });
    const cache = await newCache(ds, { eventsBasedCache: true });
    const held = cache.stats().entries;
    const lastEvent = (await ds.listRegistrationEntryEvents({})).at(-1)!.eventId;

    await ds.pruneRegistrationEntries(nowSec);
    assert.equal(await ds.fetchRegistrationEntry(gone.entryId), undefined);
    const events = await ds.listRegistrationEntryEvents({ greaterThanEventId: lastEvent });
    assert.deepEqual(
      events.map((e) => e.entryId),
      [gone.entryId],
      'the prune wrote one event for the entry it deleted',
    );
    await cache.refresh();
    assert.equal(cache.stats().entries, held - 1, 'the poll removed the pruned entry from the index');
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), [kept.entryId]);
  });
});
