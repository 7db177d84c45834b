import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinTokenAttestor, type AgentClient } from '../agent/index.js';
import { ServerProcess } from './harness.js';

describe('SyncAuthorizedEntries above the 500-entry page (real server, events-based cache)', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  let agent: AgentClient;
  let agentId = '';
  const N = 1_203;

  before(async () => {
    await server.start({ extraServer: 'experimental {\n    events_based_cache = true\n    cache_reload_interval = "1s"\n  }' });
    agent = await server.agent();
    agentId = (await agent.attest(joinTokenAttestor(await server.joinToken()))).spiffeId;
    const u = new URL(agentId);
    const entries = Array.from({ length: N }, (_, i) => ({
      spiffe_id: { trust_domain: 'example.org', path: `/workload/w${i}` },
      parent_id: { trust_domain: u.host, path: u.pathname },
      // Large selectors make the whole set bigger than a default 4 MiB gRPC message.
      selectors: [{ type: 'unix', value: `uid:${i}` }, ...[1, 2, 3, 4].map((k) => ({ type: 'k8s', value: `pod-label:l${k}:${'x'.repeat(1000)}` }))],
      x509_svid_ttl: 0,
      jwt_svid_ttl: 0,
    }));
    // In batches: one request of them all would pass the server's 4 MiB receive limit.
    for (let i = 0; i < N; i += 300) {
      const res = await server.admin<{ results: { status: { code: number; message: string } }[] }>('entry', 'BatchCreateEntry', { entries: entries.slice(i, i + 300) });
      assert.deepEqual(res.results.filter((r) => r.status.code !== 0).slice(0, 2), []);
    }
  });
  after(async () => {
    agent.close();
    await server.stop();
  });

  it('pages revisions, fetches every entry, then only what changed', async () => {
    const first = await agent.sync();
    assert.equal(agent.entries.size, N);
    assert.equal(first.revisionPages, 3); // 500 + 500 + 203
    assert.equal(first.fetched, N);

    const [someId, some] = [...agent.entries][7]!;
    const upd = await server.admin<{ results: { status: { code: number; message: string } }[] }>('entry', 'BatchUpdateEntry', {
      entries: [{ id: someId, dns_names: ['changed.example.org'] }],
      input_mask: { dns_names: true },
    });
    assert.equal(upd.results[0]!.status.code, 0, upd.results[0]!.status.message);
    const second = await agent.sync();
    assert.equal(second.fetched, 1);
    assert.ok((agent.entries.get(someId)!.revision_number as number) > (some.revision_number as number));
    assert.equal(agent.entries.size, N);
  });

  it('with the events-based cache, a new entry and a deletion show in the next sync', async () => {
    const id = await server.createEntry({ spiffeId: 'spiffe://example.org/workload/late', parentId: agentId, selectors: [{ type: 'unix', value: 'uid:late' }] });
    await agent.sync();
    assert.ok(agent.entries.has(id));
    await server.admin('entry', 'BatchDeleteEntry', { ids: [id] });
    await agent.sync();
    assert.ok(!agent.entries.has(id));
    assert.equal(agent.entries.size, N);
  });

  it('GetAuthorizedEntries hands back all of them even though the answer exceeds 4 MiB', async () => {
    const all = await agent.getAuthorizedEntries();
    assert.equal(all.length, N);
  });
});
