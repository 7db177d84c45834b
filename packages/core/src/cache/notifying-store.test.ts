import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withCacheNotifications } from './notifying-store.js';
import { attest, entry, ids, newCache, sqlStoreForSuite, SERVER_ID } from './test-store.js';

const A1 = 'spiffe://example.org/spire/agent/x/n1';
const A2 = 'spiffe://example.org/spire/agent/x/n2';
const sel = (v: string) => ({ type: 'k8s', value: v });

describe('withCacheNotifications', () => {
  const ds = sqlStoreForSuite();

  for (const eventsBasedCache of [false, true]) {
    it(`makes writes through the server visible without waiting for a reload (events ${eventsBasedCache})`, async () => {
      const cache = await newCache(ds, { eventsBasedCache, cacheReloadIntervalMs: 3_600_000 });
      const api = withCacheNotifications(ds, cache);
      const suffix = eventsBasedCache ? 'ev' : 'rl';
      const a1 = `${A1}-${suffix}`;
      const a2 = `${A2}-${suffix}`;
      const [w] = await api.createRegistrationEntries([entry(`spiffe://example.org/w-${suffix}`, a1)]);
      assert.ok(w?.ok);
      await cache.whenIdle();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a1)), [w.value.entryId]);

      await api.createRegistrationEntry(entry(`spiffe://example.org/alias-${suffix}`, SERVER_ID, [sel(`c:${suffix}`)]));
      const viaAlias = await api.createRegistrationEntry(entry(`spiffe://example.org/x-${suffix}`, `spiffe://example.org/alias-${suffix}`));
      await attest(api, a2, [sel(`c:${suffix}`)]);
      await cache.whenIdle();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a2)), [viaAlias.entryId]);

      await api.setNodeSelectors(a2, []);
      const moved = await api.updateRegistrationEntry({ ...w.value, parentId: a2 }, { parentId: true });
      await cache.whenIdle();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a2)), [moved.entryId]);
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a1)), []);

      await api.deleteRegistrationEntry(moved.entryId);
      await cache.whenIdle();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(a2)), []);
    });
  }

  it('reports nothing for a failed write and passes other methods through', async () => {
    const notes: string[] = [];
    const api = withCacheNotifications(ds, { noteEntryChanged: (id) => notes.push(id), noteNodeChanged: (id) => notes.push(id) });
    await assert.rejects(api.deleteRegistrationEntry('does-not-exist'));
    assert.deepEqual(notes, []);
    assert.equal(typeof (await api.countRegistrationEntries({})), 'number');
  });
});
