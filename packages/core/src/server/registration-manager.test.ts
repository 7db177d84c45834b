import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entry, ids, newCache, sqlStoreForSuite } from '../cache/test-store.js';
import { silentLogger } from '../log/logger.js';
import { ManualTicker } from './manual-ticker.fake.js';
import { ENTRY_PRUNE_INTERVAL_MS, registrationManager } from './registration-manager.js';

const AGENT = 'spiffe://example.org/spire/agent/x/prune';

describe('registration manager', () => {
  const ds = sqlStoreForSuite();

  it('prunes expired entries and join tokens every five minutes, through entry events the cache follows', async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    const expired = await ds.createRegistrationEntry({ ...entry('spiffe://example.org/old-admin', AGENT), admin: true, entryExpiry: nowSec - 388 });
    const live = await ds.createRegistrationEntry({ ...entry('spiffe://example.org/still-valid', AGENT), entryExpiry: nowSec + 3600 });
    await ds.createJoinToken({ token: 'expired-token', expiry: nowSec - 1 });
    await ds.createJoinToken({ token: 'valid-token', expiry: nowSec + 600 });
    const cache = await newCache(ds, { eventsBasedCache: true });
    const held = cache.stats().entries;
    const lastEvent = (await ds.listRegistrationEntryEvents({})).at(-1)!.eventId;

    const ticker = new ManualTicker();
    const manager = registrationManager({ dataStore: ds, log: silentLogger(), ticker: ticker.ticker, now: () => nowSec * 1000 });
    manager.start();
    assert.equal(ticker.intervalMs, ENTRY_PRUNE_INTERVAL_MS);
    assert.equal(ENTRY_PRUNE_INTERVAL_MS, 300_000);
    assert.ok(await ds.fetchRegistrationEntry(expired.entryId), 'nothing is pruned before the first tick');

    ticker.tick();
    await manager.whenIdle();
    assert.equal(await ds.fetchRegistrationEntry(expired.entryId), undefined, 'the expired entry is gone from the store');
    assert.ok(await ds.fetchRegistrationEntry(live.entryId));
    assert.deepEqual(
      (await ds.listRegistrationEntryEvents({ greaterThanEventId: lastEvent })).map((e) => e.entryId),
      [expired.entryId],
      'one entry event for the pruned entry',
    );
    assert.equal(await ds.fetchJoinToken('expired-token'), undefined);
    assert.equal((await ds.fetchJoinToken('valid-token'))?.token, 'valid-token');

    await cache.refresh();
    assert.equal(cache.stats().entries, held - 1, 'the cache dropped the pruned entry');
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(AGENT)), [live.entryId]);

    await manager.stop();
    assert.ok(ticker.stopped);
  });

  it('logs a failed pass and prunes at the next tick', async () => {
    const nowSec = Math.floor(Date.now() / 1000);
    const e = await ds.createRegistrationEntry({ ...entry('spiffe://example.org/retry', AGENT), entryExpiry: nowSec - 5 });
    let down = true;
    const flaky = new Proxy(ds, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r) as unknown;
        if (p === 'pruneRegistrationEntries' && down) return () => Promise.reject(new Error('database unavailable: test outage'));
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    const logged: unknown[] = [];
    const log = Object.assign(Object.create(silentLogger()) as ReturnType<typeof silentLogger>, {
      error: (obj: unknown, msg: string) => logged.push([obj, msg]),
    });
    const ticker = new ManualTicker();
    const manager = registrationManager({ dataStore: flaky, log, ticker: ticker.ticker });
    manager.start();
    ticker.tick();
    await manager.whenIdle();
    assert.deepEqual(logged, [[{ error: 'database unavailable: test outage' }, 'Failed pruning registration entries']]);
    assert.ok(await ds.fetchRegistrationEntry(e.entryId));
    down = false;
    ticker.tick();
    await manager.whenIdle();
    assert.equal(await ds.fetchRegistrationEntry(e.entryId), undefined);
    await manager.stop();
  });
});
