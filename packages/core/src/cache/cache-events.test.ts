import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attest, entry, ids, newCache, sqlStoreForSuite, SERVER_ID, StoreControl } from './test-store.js';

const A1 = 'spiffe://example.org/spire/agent/x/a1';
const A2 = 'spiffe://example.org/spire/agent/x/a2';
const sel = (v: string) => ({ type: 'k8s', value: v });

describe('AuthorizedEntryCache, events path (events_based_cache on)', () => {
  const ds = sqlStoreForSuite();

  it('applies entry and node changes from the event tables without reloading', async () => {
    await attest(ds, A1, [sel('cluster:c1')]);
    await ds.createRegistrationEntry(entry('spiffe://example.org/cluster/c1', SERVER_ID, [sel('cluster:c1')]));
    const w = await ds.createRegistrationEntry(entry('spiffe://example.org/web', 'spiffe://example.org/cluster/c1'));
    const control = new StoreControl(ds);
    const cache = await newCache(control.ds, { eventsBasedCache: true });
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), [w.entryId]);
    const lists = control.count('scanRegistrationEntries');
    assert.equal(lists, 1, 'the start scanned the entries once');

    // A new agent in the alias, a new entry, an update that moves an entry, a delete.
    await attest(ds, A2, [sel('cluster:c1')]);
    const d = await ds.createRegistrationEntry(entry('spiffe://example.org/db', A1));
    const moved = await ds.updateRegistrationEntry({ ...w, parentId: A2 }, { parentId: true });
    await cache.refresh();
    assert.equal(control.count('scanRegistrationEntries'), lists, 'no full listing on a poll');
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), [d.entryId]);
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), [moved.entryId]);
    assert.equal((await cache.fetchAuthorizedEntries(A2))[0]!.revisionNumber, moved.revisionNumber);

    await ds.deleteRegistrationEntry(d.entryId);
    await ds.setNodeSelectors(A1, [sel('cluster:none')]);
    const viaAlias = await ds.createRegistrationEntry(entry('spiffe://example.org/queue', 'spiffe://example.org/cluster/c1'));
    await cache.refresh();
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), []);
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), ids([moved, viaAlias]));

    await ds.deleteAttestedNode(A2);
    await cache.refresh();
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), [moved.entryId], 'a removed agent keeps only direct entries');
    assert.equal(cache.stats().agents, 1);
  });

  it('does a full reload when full_cache_reload_interval has passed', async () => {
    let now = Date.now();
    const control = new StoreControl(ds);
    const cache = await newCache(control.ds, { eventsBasedCache: true, fullCacheReloadIntervalMs: 60_000, now: () => now });
    const before = control.count('scanRegistrationEntries');
    await cache.refresh();
    assert.equal(control.count('scanRegistrationEntries'), before);
    now += 61_000;
    await cache.refresh();
    assert.ok(control.count('scanRegistrationEntries') > before, 'the due full reload listed entries');
  });

  it('catches changes committed while the initial load runs', async () => {
    const agent = 'spiffe://example.org/spire/agent/x/during-load';
    const control = new StoreControl(ds);
    let injected: { entryId: string } | undefined;
    const racing = new Proxy(control.ds, {
      get(t, p, r) {
        const v = Reflect.get(t, p, r) as unknown;
        if (p === 'scanRegistrationEntries' && !injected) {
          // The write lands once the entry scan has its snapshot (its first batch is read).
          return async function* (...a: unknown[]) {
            const it = (v as (...x: unknown[]) => AsyncIterable<unknown>).apply(t, a)[Symbol.asyncIterator]();
            const first = await it.next();
            injected = await ds.createRegistrationEntry(entry('spiffe://example.org/late', agent));
            if (first.done) return;
            yield first.value;
            for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
          };
        }
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(t) : v;
      },
    });
    const cache = await newCache(racing, { eventsBasedCache: true });
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), [], 'written after the entries were listed');
    await cache.refresh();
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), [injected!.entryId]);
  });
});
