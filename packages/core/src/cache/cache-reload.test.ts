import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attest, entry, ids, newCache, sqlStoreForSuite, SERVER_ID, StoreControl } from './test-store.js';

const A1 = 'spiffe://example.org/spire/agent/x/a1';
const A2 = 'spiffe://example.org/spire/agent/x/a2';
const sel = (v: string) => ({ type: 'k8s', value: v });

describe('AuthorizedEntryCache, reload path (events_based_cache off)', () => {
  const ds = sqlStoreForSuite();

  it('loads everything on create and sees changes after a reload', async () => {
    await attest(ds, A1, [sel('cluster:c1')]);
    await attest(ds, A2, [sel('cluster:c1')]);
    const alias = await ds.createRegistrationEntry(entry('spiffe://example.org/cluster/c1', SERVER_ID, [sel('cluster:c1')]));
    const viaAlias = await ds.createRegistrationEntry(entry('spiffe://example.org/web', 'spiffe://example.org/cluster/c1'));
    const direct = await ds.createRegistrationEntry(entry('spiffe://example.org/db', A1));
    const control = new StoreControl(ds);
    const cache = await newCache(control.ds);
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), ids([viaAlias, direct]));
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), ids([viaAlias]));

    const added = await ds.createRegistrationEntry(entry('spiffe://example.org/cache', A2));
    await ds.deleteRegistrationEntry(direct.entryId);
    await ds.setNodeSelectors(A2, [sel('cluster:c2')]);
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), ids([viaAlias]), 'unchanged until the reload');
    await cache.refresh();
    assert.equal(control.count('listRegistrationEntryEvents'), 0, 'the reload path does not read events');
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), ids([viaAlias]));
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A2)), ids([added]));
    await ds.deleteRegistrationEntry(alias.entryId);
    await cache.reload();
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(A1)), []);
  });

  it('reloads on its own every cache_reload_interval once started', async () => {
    const agent = 'spiffe://example.org/spire/agent/x/timer';
    const cache = await newCache(ds, { cacheReloadIntervalMs: 150 });
    cache.start();
    try {
      const created = await ds.createRegistrationEntry(entry('spiffe://example.org/timer-workload', agent));
      const t0 = Date.now();
      let seen = false;
      // The timer is what makes it visible: nothing here calls refresh().
      while (Date.now() - t0 < 5_000 && !seen) {
        await new Promise((r) => setTimeout(r, 25));
        seen = ids(await cache.fetchAuthorizedEntries(agent)).includes(created.entryId);
      }
      assert.ok(seen, 'entry created in the store became visible without an explicit refresh');
    } finally {
      await cache.stop();
      await cache.stop();
    }
  });

  it('leaves an expired agent only its directly parented entries', async () => {
    const old = 'spiffe://example.org/spire/agent/x/expired';
    await attest(ds, old, [sel('cluster:exp')], Math.floor(Date.now() / 1000) - 10);
    await ds.createRegistrationEntry(entry('spiffe://example.org/cluster/exp', SERVER_ID, [sel('cluster:exp')]));
    await ds.createRegistrationEntry(entry('spiffe://example.org/exp-w', 'spiffe://example.org/cluster/exp'));
    const mine = await ds.createRegistrationEntry(entry('spiffe://example.org/exp-direct', old));
    const cache = await newCache(ds);
    assert.deepEqual(ids(await cache.fetchAuthorizedEntries(old)), [mine.entryId]);
  });
});
