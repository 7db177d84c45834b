import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sqlStoreForSuite } from '../cache/test-store.js';
import { silentLogger } from '../log/logger.js';
import type { AttestedNode } from '../plugins/datastore/contract.js';
import { ManualTicker } from './manual-ticker.fake.js';
import { nodeManager, nodePruneInterval } from './node-manager.js';

const HOUR = 3600;

function node(name: string, certNotAfter: number, over: Partial<AttestedNode> = {}): AttestedNode {
  return {
    spiffeId: `spiffe://example.org/spire/agent/x/${name}`,
    attestationDataType: 'x',
    certSerialNumber: '1',
    certNotAfter,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: true,
    agentVersion: '',
    selectors: [{ type: 'x', value: name }],
    ...over,
  };
}

describe('node manager (prune_attested_nodes_expired_for)', () => {
  const ds = sqlStoreForSuite();

  it('runs hourly with SPIRE jitter of up to 15 minutes either way, in whole seconds', () => {
    assert.equal(nodePruneInterval(() => 0), 45 * 60_000);
    assert.equal(nodePruneInterval(() => 0.5), 60 * 60_000);
    assert.equal(nodePruneInterval(() => 0.9999999), 75 * 60_000 - 1000);
    const ticker = new ManualTicker();
    const m = nodeManager({ dataStore: ds, log: silentLogger(), expiredForMs: 1000, includeNonReattestable: false, batchSize: 1000, ticker: ticker.ticker });
    m.start();
    assert.ok(ticker.intervalMs! >= 45 * 60_000 && ticker.intervalMs! < 75 * 60_000 && ticker.intervalMs! % 1000 === 0, String(ticker.intervalMs));
    return m.stop();
  });

  it('prunes agents expired for longer than expired_for, keeping banned and (without prune_tofu_nodes) TOFU agents', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = node('old', now - 2 * HOUR);
    const recent = node('recent', now - HOUR / 2);
    const tofu = node('tofu', now - 2 * HOUR, { canReattest: false });
    const banned = node('banned', now - 2 * HOUR, { certSerialNumber: '' });
    const live = node('live', now + HOUR);
    for (const n of [old, recent, tofu, banned, live]) await ds.createAttestedNode(n);
    const lastEvent = (await ds.listAttestedNodeEvents({})).at(-1)!.eventId;

    const ticker = new ManualTicker();
    const opts = { dataStore: ds, log: silentLogger(), expiredForMs: HOUR * 1000, batchSize: 1000, ticker: ticker.ticker, now: () => now * 1000 };
    const m = nodeManager({ ...opts, includeNonReattestable: false });
    m.start();
    ticker.tick();
    await m.whenIdle();
    const left = async () => [...(await ds.fetchAttestedNodes([old, recent, tofu, banned, live].map((n) => n.spiffeId))).keys()].sort();
    assert.deepEqual(await left(), [banned, live, recent, tofu].map((n) => n.spiffeId));
    assert.deepEqual(await ds.getNodeSelectors(old.spiffeId), [], 'its selectors went with it');
    assert.deepEqual(
      (await ds.listAttestedNodeEvents({ greaterThanEventId: lastEvent })).map((e) => e.spiffeId),
      [old.spiffeId],
      'a node event for the pruned agent, so every cache forgets it',
    );
    await m.stop();

    const withTofu = nodeManager({ ...opts, includeNonReattestable: true });
    withTofu.start();
    ticker.tick();
    await withTofu.whenIdle();
    assert.deepEqual(await left(), [banned, live, recent].map((n) => n.spiffeId));
    await withTofu.stop();
  });

  it('prunes at most prune_attested_nodes_batch_size agents per pass', async () => {
    const now = Math.floor(Date.now() / 1000);
    const batch = [1, 2, 3].map((i) => node(`batch-${i}`, now - 2 * HOUR));
    for (const n of batch) await ds.createAttestedNode(n);
    const ticker = new ManualTicker();
    const m = nodeManager({ dataStore: ds, log: silentLogger(), expiredForMs: HOUR * 1000, includeNonReattestable: false, batchSize: 2, ticker: ticker.ticker });
    m.start();
    ticker.tick();
    await m.whenIdle();
    assert.equal((await ds.fetchAttestedNodes(batch.map((n) => n.spiffeId))).size, 1);
    ticker.tick();
    await m.whenIdle();
    assert.equal((await ds.fetchAttestedNodes(batch.map((n) => n.spiffeId))).size, 0);
    await m.stop();
  });
});
