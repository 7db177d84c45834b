// max_attested_node_info_staleness: agent calls admitted from the attested-node cache, and when
// they must read the store again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttestedNodeCache } from '../cache/attested-node-cache.js';
import { withCacheNotifications } from '../cache/notifying-store.js';
import { silentLogger } from '../log/logger.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import { TrustDomain } from '../spiffeid/index.js';
import { openTestStore, startHarness, storeAttestedAgent, type Harness } from './testing/harness.js';
import type { IssuedCert } from './ports.fake.js';

const TD = TrustDomain.parse('example.org');
const AGENT_ID = 'spiffe://example.org/spire/agent/x509pop/cached';
const POST_STATUS = '/spire.api.server.agent.v1.Agent/PostStatus';
const denied = { code: 7, details: `authorization denied for method ${POST_STATUS}` };

interface Setup {
  h: Harness;
  /** The store under the API, without change notifications (another server's writes). */
  raw: DataStore;
  cache: AttestedNodeCache;
  agent: IssuedCert;
  /** Store reads of the agent's node so far. */
  reads(): number;
  /** Moves the cache's clock forward. */
  advance(ms: number): void;
}

async function setup(maxStalenessMs: number): Promise<Setup> {
  const raw = await openTestStore(await mkdtemp(join(tmpdir(), 'node-cache-')), TD, silentLogger());
  let reads = 0;
  const counted = new Proxy(raw, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'fetchAttestedNode') return (id: string) => (reads++, raw.fetchAttestedNode(id));
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  let skew = 0;
  const cache = new AttestedNodeCache({ dataStore: counted, log: silentLogger(), maxStalenessMs, now: () => Date.now() + skew });
  const api = withCacheNotifications(raw, { noteEntryChanged: () => undefined, noteNodeChanged: (id) => cache.noteNodeChanged(id) });
  const h = await startHarness({ dataStore: api, nodeCache: cache });
  const agent = await h.ca.issue(AGENT_ID);
  await storeAttestedAgent(raw, AGENT_ID, agent.serial);
  return { h, raw, cache, agent, reads: () => reads, advance: (ms) => (skew += ms) };
}

const ban = async (ds: DataStore) => {
  const node = (await ds.fetchAttestedNode(AGENT_ID))!;
  await ds.updateAttestedNode({ ...node, certSerialNumber: '', newCertSerialNumber: '' }, { certSerialNumber: true, newCertSerialNumber: true });
};

test('with a staleness bound, an agent is admitted from the cache until the bound passes', async () => {
  const s = await setup(30_000);
  try {
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    assert.equal(s.reads(), 1, 'the first call reads the node');
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    assert.equal(s.reads(), 1, 'calls within the bound read nothing');
    // Banned by a write this server did not see (another server): the cache still vouches, as
    // SPIRE's does, until the node is older than the bound.
    await ban(s.raw);
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    s.advance(30_000);
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), denied);
    assert.equal(s.reads(), 2);
    assert.ok(s.h.logs.lines.some((l) => l.msg === 'Agent is banned'));
  } finally {
    await s.h.close();
  }
});

test('a ban through this server takes effect at the next call', async () => {
  const s = await setup(30_000);
  try {
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    await s.h.local('agent').call('BanAgent', { id: { trust_domain: 'example.org', path: '/spire/agent/x509pop/cached' } });
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), denied);
    assert.equal(s.reads(), 2);
  } finally {
    await s.h.close();
  }
});

test('a renewed serial is not in the cache: the store is read and the new serial becomes current', async () => {
  const s = await setup(30_000);
  try {
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    const renewed = await s.h.ca.issue(AGENT_ID);
    const node = (await s.raw.fetchAttestedNode(AGENT_ID))!;
    await s.raw.updateAttestedNode({ ...node, newCertSerialNumber: renewed.serial, newCertNotAfter: node.certNotAfter }, { newCertSerialNumber: true, newCertNotAfter: true });
    await s.h.tcp('agent', renewed).call('PostStatus', {});
    assert.equal(s.reads(), 2);
    assert.equal((await s.raw.fetchAttestedNode(AGENT_ID))!.certSerialNumber, renewed.serial);
    // The activation went through the API's store, so the old serial's cached node is gone too.
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), denied);
    await s.h.tcp('agent', renewed).call('PostStatus', {});
    assert.equal(s.reads(), 3, "the old serial's read cached the node, which then vouched for the new serial");
  } finally {
    await s.h.close();
  }
});

test('staleness 0 (the default): every agent call reads the store', async () => {
  const s = await setup(0);
  try {
    await s.cache.start();
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    assert.equal(s.reads(), 2);
    await ban(s.raw);
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), denied);
    assert.equal(s.cache.lookup(AGENT_ID), undefined);
  } finally {
    s.cache.stop();
    await s.h.close();
  }
});

test('a rebuild lists the nodes valid now; it sees bans made elsewhere and skips expired nodes', async () => {
  const s = await setup(30_000);
  try {
    const expired = 'spiffe://example.org/spire/agent/x509pop/expired';
    await storeAttestedAgent(s.raw, expired, '77');
    const node = (await s.raw.fetchAttestedNode(expired))!;
    await s.raw.updateAttestedNode({ ...node, certNotAfter: Math.floor(Date.now() / 1000) - 60 }, { certNotAfter: true });
    await s.cache.start();
    assert.equal(s.cache.lookup(AGENT_ID)?.node.certSerialNumber, s.agent.serial);
    assert.equal(s.cache.lookup(expired), undefined);
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    assert.equal(s.reads(), 0, 'the rebuilt cache admitted the agent');
    await ban(s.raw);
    await s.cache.rebuild();
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), denied);
  } finally {
    s.cache.stop();
    await s.h.close();
  }
});

test('a node dropped while a rebuild lists is not brought back by the list', async () => {
  const s = await setup(30_000);
  try {
    const pending = s.cache.rebuild();
    s.cache.noteNodeChanged(AGENT_ID);
    await pending;
    assert.equal(s.cache.lookup(AGENT_ID), undefined);
    await s.cache.rebuild();
    assert.ok(s.cache.lookup(AGENT_ID));
  } finally {
    await s.h.close();
  }
});

test('a failed store read drops the cached node and answers Internal', async () => {
  const s = await setup(30_000);
  try {
    await s.h.tcp('agent', s.agent).call('PostStatus', {});
    s.advance(60_000);
    await s.raw.close?.();
    await assert.rejects(s.h.tcp('agent', s.agent).call('PostStatus', {}), (e: { code: number; details: string }) => e.code === 13 && e.details.startsWith('unable to look up agent information: '));
    assert.equal(s.cache.lookup(AGENT_ID), undefined);
  } finally {
    await s.h.close().catch(() => undefined);
  }
});
