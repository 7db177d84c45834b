import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventFeed, SKIPPED_POLL_BATCH, type FeedEvent } from './event-feed.js';

/** An event table in memory that counts the queries made to it. */
function countingSource(events: FeedEvent[]) {
  const queries = { list: 0, fetchMany: 0, largestBatch: 0 };
  return {
    queries,
    source: {
      list: async (req: { greaterThanEventId?: number; lessThanEventId?: number }) => {
        queries.list++;
        return events.filter((e) => (req.greaterThanEventId === undefined || e.eventId > req.greaterThanEventId) && (req.lessThanEventId === undefined || e.eventId < req.lessThanEventId));
      },
      fetchMany: async (ids: number[]) => {
        queries.fetchMany++;
        queries.largestBatch = Math.max(queries.largestBatch, ids.length);
        return events.filter((e) => ids.includes(e.eventId));
      },
    },
  };
}

describe('EventFeed, batched gap polls and sparse IDs', () => {
  it('polls skipped IDs one batch per query, not one query per ID', async () => {
    const events: FeedEvent[] = [
      { eventId: 1, key: 'a' },
      { eventId: 2502, key: 'b' },
    ];
    const { source, queries } = countingSource(events);
    const feed = new EventFeed(source, 10, 60_000, () => 0);
    await feed.collect(new Set());
    assert.equal(feed.skippedCount, 2500);
    assert.equal(queries.fetchMany, 0, 'nothing to poll on the first call');
    events.push({ eventId: 1000, key: 'late' });
    const keys = new Set<string>();
    await feed.collect(keys);
    assert.equal(queries.fetchMany, Math.ceil(2500 / SKIPPED_POLL_BATCH), '2,500 skipped IDs in batches of 1,000');
    assert.equal(queries.largestBatch, SKIPPED_POLL_BATCH);
    assert.deepEqual([...keys], ['late']);
    assert.equal(feed.skippedCount, 2499);
  });

  it('tracks no false gaps when IDs step by two, and the queries stay flat', async () => {
    const events: FeedEvent[] = [];
    const { source, queries } = countingSource(events);
    const feed = new EventFeed(source, 10, 60_000, () => 0);
    feed.setSpacing({ increment: 2, offset: 1 });
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) events.push({ eventId: 1 + 2 * (round * 10 + i), key: `e${round}-${i}` });
      await feed.collect(new Set());
    }
    assert.equal(feed.lastEventId, 99);
    assert.equal(feed.skippedCount, 0, 'the even IDs never exist');
    assert.equal(queries.fetchMany, 0, 'no gap polls');
    assert.equal(queries.list, 1 + 2 * 4, 'per collect: the new-events list, and after the first the before-first scan');
  });

  it('still tracks a real gap in sparse IDs, and only the IDs that can exist', async () => {
    const events: FeedEvent[] = [
      { eventId: 1, key: 'a' },
      { eventId: 9, key: 'b' },
    ];
    const { source } = countingSource(events);
    const feed = new EventFeed(source, 10, 60_000, () => 0);
    feed.setSpacing({ increment: 2, offset: 1 });
    await feed.collect(new Set());
    assert.equal(feed.skippedCount, 3, '3, 5 and 7; not 2, 4, 6 or 8');
    events.push({ eventId: 5, key: 'late' });
    const keys = new Set<string>();
    await feed.collect(keys);
    assert.deepEqual([...keys], ['late']);
    assert.equal(feed.skippedCount, 2);
  });

  it('takes the remainders of IDs written through other members as possible too', async () => {
    const events: FeedEvent[] = [
      { eventId: 1, key: 'a' },
      { eventId: 4, key: 'other-member' },
    ];
    const { source } = countingSource(events);
    const feed = new EventFeed(source, 10, 60_000, () => 0);
    feed.setSpacing({ increment: 3, offset: 1 });
    await feed.collect(new Set());
    assert.equal(feed.skippedCount, 0, 'no ID between 1 and 4 has a seen remainder');
    events.push({ eventId: 5, key: 'member-2' }, { eventId: 11, key: 'c' });
    await feed.collect(new Set());
    // Remainders 1 (offset, 1, 4) and 2 (5) are possible: 7, 8 and 10 are tracked, 6 and 9 not.
    assert.equal(feed.skippedCount, 3);
  });

  it('reports overflow for a sparse gap by the IDs that can exist', async () => {
    const events: FeedEvent[] = [
      { eventId: 1, key: 'a' },
      { eventId: 41, key: 'b' },
    ];
    const { source } = countingSource(events);
    const dense = new EventFeed(source, 10, 60_000, () => 0, 25);
    assert.equal((await dense.collect(new Set())).overflow, true, '39 IDs are more than 25');
    const sparse = new EventFeed(source, 10, 60_000, () => 0, 25);
    sparse.setSpacing({ increment: 2, offset: 1 });
    assert.equal((await sparse.collect(new Set())).overflow, false);
    assert.equal(sparse.skippedCount, 19);
  });
});
