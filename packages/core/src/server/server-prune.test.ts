import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entry } from '../cache/test-store.js';
import { DATA_STORE } from '../plugins/datastore/contract.js';
import { ManualTicker } from './manual-ticker.fake.js';
import { ENTRY_PRUNE_INTERVAL_MS } from './registration-manager.js';
import { startRealServer } from './real-server.test-support.js';

const AGENT = 'spiffe://example.org/spire/agent/x/srv';

function expiredNode(name: string, certNotAfter: number) {
  return {
    spiffeId: `${AGENT}/${name}`,
    attestationDataType: 'x',
    certSerialNumber: '1',
    certNotAfter,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: true,
    agentVersion: '',
    selectors: [],
  };
}

describe('SpireServer pruning', () => {
  it('prunes expired entries every five minutes; without prune_attested_nodes_expired_for, no agent is pruned', async () => {
    const entries = new ManualTicker();
    const nodes = new ManualTicker();
    const { server } = await startRealServer({ pruneTickers: { entries: entries.ticker, nodes: nodes.ticker } });
    try {
      assert.equal(entries.intervalMs, ENTRY_PRUNE_INTERVAL_MS);
      assert.equal(nodes.intervalMs, undefined, 'no node manager without prune_attested_nodes_expired_for');
      const ds = server.resolve(DATA_STORE);
      const now = Math.floor(Date.now() / 1000);
      const e = await ds.createRegistrationEntry({ ...entry('spiffe://example.org/expired', AGENT), admin: true, entryExpiry: now - 388 });
      entries.tick();
      for (let i = 0; i < 100 && (await ds.fetchRegistrationEntry(e.entryId)); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await ds.fetchRegistrationEntry(e.entryId), undefined);
    } finally {
      await server.stop();
    }
    assert.ok(entries.stopped, 'stopping the server stops the pruning');
  });

  it('prune_attested_nodes_expired_for starts the node manager with prune_tofu_nodes and the batch size', async () => {
    const nodes = new ManualTicker();
    const { server } = await startRealServer({
      pruneTickers: { nodes: nodes.ticker },
      extra: 'prune_attested_nodes_expired_for = "1h"\n prune_tofu_nodes = true\n prune_attested_nodes_batch_size = 1',
    });
    try {
      assert.ok(nodes.intervalMs! >= 45 * 60_000 && nodes.intervalMs! < 75 * 60_000, String(nodes.intervalMs));
      const ds = server.resolve(DATA_STORE);
      const now = Math.floor(Date.now() / 1000);
      const a = await ds.createAttestedNode({ ...expiredNode('a', now - 7200), canReattest: false });
      const b = await ds.createAttestedNode(expiredNode('b', now - 7200));
      const recent = await ds.createAttestedNode(expiredNode('recent', now - 60));
      const left = async () => (await ds.fetchAttestedNodes([a.spiffeId, b.spiffeId, recent.spiffeId])).size;
      nodes.tick();
      for (let i = 0; i < 100 && (await left()) === 3; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await left(), 2, 'one agent per pass (batch size 1)');
      nodes.tick();
      for (let i = 0; i < 100 && (await left()) === 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual([...(await ds.fetchAttestedNodes([a.spiffeId, b.spiffeId, recent.spiffeId])).keys()], [recent.spiffeId], 'the TOFU agent too');
    } finally {
      await server.stop();
    }
  });

  it('prune_attested_nodes_expired_for = "0s" prunes nothing, as SPIRE', async () => {
    const nodes = new ManualTicker();
    const { server } = await startRealServer({ pruneTickers: { nodes: nodes.ticker }, extra: 'prune_attested_nodes_expired_for = "0s"' });
    await server.stop();
    assert.equal(nodes.intervalMs, undefined);
  });
});
