import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusTestMetrics } from '../telemetry/index.js';
import { attest, entry, newCache, sqlStoreForSuite, SERVER_ID } from './test-store.js';

const setup = () => prometheusTestMetrics();

const sel = { type: 'k8s', value: 'cluster:m' };

describe("the entry cache's SPIRE series", () => {
  const ds = sqlStoreForSuite();

  it('without events, each reload is counted as entry.cache.reload and no size gauges are set', async () => {
    const { sink, metrics } = setup();
    const cache = await newCache(ds, { metrics });
    await cache.refresh();
    await cache.reload();
    const text = await sink.text();
    assert.match(text, /^spire_server_entry_cache_reload\{status="OK"\} 2$/m);
    assert.match(text, /^spire_server_entry_cache_reload_elapsed_time_count\{status="OK"\} 2$/m);
    assert.doesNotMatch(text, /_cache_count/);
  });

  it('with events, the size gauges follow the cache after each poll', async () => {
    const { sink, metrics } = setup();
    await attest(ds, 'spiffe://example.org/spire/agent/x/m1', [sel]);
    await ds.createRegistrationEntry(entry('spiffe://example.org/cluster/m', SERVER_ID, [sel]));
    const cache = await newCache(ds, { eventsBasedCache: true, metrics });
    const gauge = async (name: string) => Number(new RegExp(`^spire_server_${name} (\\d+)$`, 'm').exec(await sink.text())?.[1]);
    const before = cache.stats();
    assert.equal(await gauge('entry_entries_by_entryid_cache_count'), before.entries + before.aliases);
    assert.equal(await gauge('entry_nodealiases_by_entryid_cache_count'), before.aliases);
    assert.equal(await gauge('node_agents_by_id_cache_count'), before.agents);
    assert.equal(await gauge('node_agents_by_expiresat_cache_count'), before.agents);
    assert.equal(await gauge('entry_skipped_entry_event_ids_count'), 0);
    assert.equal(await gauge('node_skipped_node_event_ids_count'), 0);
    await ds.createRegistrationEntry(entry('spiffe://example.org/web-m', 'spiffe://example.org/cluster/m'));
    await attest(ds, 'spiffe://example.org/spire/agent/x/m2', [sel]);
    await cache.refresh();
    assert.equal(await gauge('entry_entries_by_entryid_cache_count'), before.entries + before.aliases + 1);
    assert.equal(await gauge('node_agents_by_id_cache_count'), before.agents + 1);
    assert.doesNotMatch(await sink.text(), /entry_cache_reload/, 'polls are not reloads');
  });
});
