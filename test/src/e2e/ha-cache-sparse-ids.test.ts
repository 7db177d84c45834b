import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizedEntryCache, DEFAULT_ENTRY_CACHE_CONFIG, silentLogger, TrustDomain, type DataStore, type RegistrationEntry } from '@spire-ts/core';
import { mysqlDb, type TestDb } from '@spire-ts/plugins-datastore-sql/testing';

// Issue 22, "dense and sparse IDs" (SPIRE #5341), on the real MariaDB: with
// auto_increment_increment = 2 every other event ID never exists. The events-based cache must not
// track those as skipped, and must not poll for them. The setting is made per session through the
// DSN (as Go's MySQL driver takes system variables), so the shared server is never changed.

const TD = TrustDomain.parse('example.org');
const AGENT = 'spiffe://example.org/spire/agent/x/sparse';

function entry(n: string): RegistrationEntry {
  return {
    entryId: '', spiffeId: `spiffe://example.org/sparse/${n}`, parentId: AGENT, selectors: [{ type: 'unix', value: 'uid:0' }],
    x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], admin: false, downstream: false, entryExpiry: 0,
    storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0,
  };
}

/** The store with its event-table calls counted, and optionally a spacing it reports instead of its own. */
function counted(ds: DataStore, spacing?: { increment: number; offset: number }) {
  const calls = new Map<string, number>();
  const proxy = new Proxy(ds, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const name = String(prop);
      if (name === 'eventIdSpacing' && spacing) return async () => spacing;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { ds: proxy, count: (n: string) => calls.get(n) ?? 0 };
}

describe('events cache on MariaDB with auto_increment_increment = 2', { timeout: 120_000 }, () => {
  let db: TestDb | undefined;
  let ds: DataStore | undefined;
  let skip: string | undefined;

  before(async () => {
    const r = await mysqlDb();
    if (r.fail) throw new Error(r.fail);
    if (!r.db) {
      skip = r.skip;
      return;
    }
    db = r.db;
    const cs = String(db.pluginData.connection_string);
    ds = await db.open({ connection_string: `${cs}${cs.includes('?') ? '&' : '?'}auto_increment_increment=2&auto_increment_offset=1` });
  });
  after(async () => {
    await ds?.close?.();
    await db?.drop();
  });

  /** Writes `rounds` batches of entries, polling after each; returns the cache's counts. */
  async function run(store: DataStore, rounds: number) {
    const c = counted(store);
    const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, eventsBasedCache: true, dataStore: c.ds, trustDomain: TD, log: silentLogger() });
    const skipped: number[] = [];
    const lists: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < 20; i++) await store.createRegistrationEntry(entry(`${Math.random().toString(36).slice(2)}`));
      const before = c.count('listRegistrationEntryEvents');
      await cache.refresh();
      skipped.push(cache.stats().skippedEntryEvents);
      lists.push(c.count('listRegistrationEntryEvents') - before);
    }
    return { skipped, lists, gapPolls: c.count('fetchRegistrationEntryEvents') + c.count('fetchRegistrationEntryEvent'), cache };
  }

  it('the session really hands out every other ID', async (t) => {
    if (skip) return t.skip(skip);
    assert.deepEqual(await ds!.eventIdSpacing(), { increment: 2, offset: 1 });
    await ds!.createRegistrationEntry(entry('probe-a'));
    await ds!.createRegistrationEntry(entry('probe-b'));
    const evs = await ds!.listRegistrationEntryEvents({});
    const ids = evs.slice(-2).map((e) => e.eventId);
    assert.equal(ids[1]! - ids[0]!, 2, ids.join(','));
  });

  it('tracks no false skips and sends no gap polls; event queries stay flat per poll', async (t) => {
    if (skip) return t.skip(skip);
    const { skipped, lists, gapPolls, cache } = await run(ds!, 5);
    assert.deepEqual(skipped, [0, 0, 0, 0, 0]);
    assert.equal(gapPolls, 0);
    assert.equal(new Set(lists).size, 1, `list queries per poll: ${lists.join(',')}`);
    assert.ok((await cache.fetchAuthorizedEntries(AGENT)).length >= 100);
  });

  it('a cache that assumed dense IDs would track every other ID as skipped (the naive design)', async (t) => {
    if (skip) return t.skip(skip);
    const naive = counted(ds!, { increment: 1, offset: 1 });
    const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, eventsBasedCache: true, dataStore: naive.ds, trustDomain: TD, log: silentLogger() });
    for (let i = 0; i < 10; i++) await ds!.createRegistrationEntry(entry(`naive-${i}`));
    await cache.refresh();
    const evs = await ds!.listRegistrationEntryEvents({});
    const falseGaps = (evs[evs.length - 1]!.eventId - evs[0]!.eventId) / 2;
    assert.ok(falseGaps >= 10);
    assert.equal(cache.stats().skippedEntryEvents, falseGaps, 'every even ID between the first and the last event');
  });
});
