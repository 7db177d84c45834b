import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventFeed, pollPeriods, type FeedEvent } from './event-feed.js';

function source(events: FeedEvent[]) {
  return {
    list: async (req: { greaterThanEventId?: number; lessThanEventId?: number }) =>
      events.filter((e) => (req.greaterThanEventId === undefined || e.eventId > req.greaterThanEventId) && (req.lessThanEventId === undefined || e.eventId < req.lessThanEventId)),
    fetchMany: async (ids: number[]) => events.filter((e) => ids.includes(e.eventId)),
  };
}

describe('EventFeed', () => {
  it('gives a skipped ID as many polls as cover event_timeout at cache_reload_interval', () => {
    assert.equal(pollPeriods(5_000, 15 * 60_000), 180);
    assert.equal(pollPeriods(1_000, 2_000), 2);
    assert.equal(pollPeriods(100, 500), 1, 'both taken as at least one second');
  });

  it('collects keys in order and tracks gaps', async () => {
    const events = [
      { eventId: 3, key: 'a' },
      { eventId: 4, key: 'b' },
      { eventId: 7, key: 'c' },
    ];
    const feed = new EventFeed(source(events), 3, 60_000, () => 0);
    const keys = new Set<string>();
    assert.deepEqual(await feed.collect(keys), { overflow: false, fetchErrors: 0 });
    assert.deepEqual([...keys], ['a', 'b', 'c']);
    assert.equal(feed.skippedCount, 2);
    assert.equal(feed.lastEventId, 7);
    events.push({ eventId: 5, key: 'late' });
    keys.clear();
    await feed.collect(keys);
    assert.deepEqual([...keys], ['late']);
    assert.equal(feed.skippedCount, 1);
  });

  it('reports overflow instead of tracking a huge gap', async () => {
    const events = [
      { eventId: 1, key: 'a' },
      { eventId: 2 + 50, key: 'b' },
    ];
    const feed = new EventFeed(source(events), 3, 60_000, () => 0, 10);
    const keys = new Set<string>();
    assert.equal((await feed.collect(keys)).overflow, true);
    assert.equal(feed.skippedCount, 0);
    assert.deepEqual([...keys], ['a', 'b']);
  });

  it('counts failed fetches of skipped events and keeps tracking them', async () => {
    const events = [
      { eventId: 1, key: 'a' },
      { eventId: 3, key: 'c' },
    ];
    const src = source(events);
    const feed = new EventFeed({ list: src.list, fetchMany: async () => Promise.reject(new Error('down')) }, 3, 60_000, () => 0);
    await feed.collect(new Set());
    assert.deepEqual(await feed.collect(new Set()), { overflow: false, fetchErrors: 1 });
    assert.equal(feed.skippedCount, 1);
  });
});
