import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AgentClient, RpcError, sshpopAttestor, x509popAttestor } from '../agent/index.js';
import { ServerProcess } from './harness.js';
import { makeSshCa, makeSshHostCert, makeX509Ca, makeX509Leaf } from './test-pki.js';

const PERMISSION_DENIED = 7;
const UNAVAILABLE = 14;

describe('agents against a real spire-server (x509pop, sshpop, node aliases)', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };

  before(async () => {
    const { caPath } = makeX509Ca(server.dir);
    const { caPubPath } = makeSshCa(server.dir);
    await server.start({
      extraPlugins: `
  NodeAttestor "x509pop" {
    plugin_data {
      ca_bundle_path = "${caPath}"
    }
  }
  NodeAttestor "sshpop" {
    plugin_data {
      cert_authorities_path = "${caPubPath}"
    }
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
  });

  it('x509pop: attests with a leaf of the test CA, stores its selectors, re-attests, must re-attest instead of renewing', async () => {
    const leaf = makeX509Leaf(server.dir, 'node-a', 'node-a');
    const agent = await newAgent();
    const r = await agent.attest(x509popAttestor([leaf.der], leaf.key));
    assert.match(r.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/x509pop\/[0-9a-f]{40}$/);
    assert.equal(r.reattestable, true);
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(r.spiffeId).pathname } });
    assert.equal(got.attestation_type, 'x509pop');
    assert.equal(got.can_reattest, true);
    const sel = got.selectors.map((s: { type: string; value: string }) => `${s.type}:${s.value}`);
    assert.ok(sel.includes('x509pop:subject:cn:node-a'), sel.join(','));
    const again = await agent.attest(x509popAttestor([leaf.der], leaf.key));
    assert.equal(again.spiffeId, r.spiffeId);
    await assert.rejects(agent.renew(), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.deepEqual([e.code, e.details, e.deniedReason], [PERMISSION_DENIED, 'agent must reattest instead of renew', 'AGENT_MUST_REATTEST']);
      return true;
    });
  });

  it('x509pop: a leaf from another CA is refused', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const other = mkdtempSync(join(tmpdir(), 'spe2e-otherca-'));
    makeX509Ca(other);
    const leaf = makeX509Leaf(other, 'rogue', 'node-a');
    await assert.rejects((await newAgent()).attest(x509popAttestor([leaf.der], leaf.key)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, PERMISSION_DENIED);
      assert.match(e.details, /^nodeattestor\(x509pop\): certificate verification failed/);
      return true;
    });
  });

  it('sshpop: attests with a host certificate of the test CA', async () => {
    const host = makeSshHostCert(server.dir, 'host1', 'host1.example.com');
    const agent = await newAgent();
    const r = await agent.attest(sshpopAttestor(host.certBlob, host.key));
    assert.match(r.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/sshpop\/\S+$/);
    assert.equal(r.reattestable, true);
    await agent.sync();
  });

  it('a node alias grants its entries to every agent whose selectors match, and to no other', async () => {
    const l1 = makeX509Leaf(server.dir, 'shared-1', 'shared-node');
    const l2 = makeX509Leaf(server.dir, 'shared-2', 'shared-node');
    const l3 = makeX509Leaf(server.dir, 'lonely', 'lonely-node');
    const [a1, a2, a3] = [await newAgent(), await newAgent(), await newAgent()];
    const id1 = (await a1.attest(x509popAttestor([l1.der], l1.key))).spiffeId;
    const id2 = (await a2.attest(x509popAttestor([l2.der], l2.key))).spiffeId;
    await a3.attest(x509popAttestor([l3.der], l3.key));
    assert.notEqual(id1, id2);
    await server.createEntry({ spiffeId: 'spiffe://example.org/alias/shared', parentId: 'spiffe://example.org/spire/server', selectors: [{ type: 'x509pop', value: 'subject:cn:shared-node' }] });
    const entryId = await server.createEntry({ spiffeId: 'spiffe://example.org/workload/db', parentId: 'spiffe://example.org/alias/shared', selectors: [{ type: 'unix', value: 'uid:5' }] });
    await a1.sync();
    await a2.sync();
    await a3.sync();
    assert.ok(a1.entries.has(entryId));
    assert.ok(a2.entries.has(entryId));
    assert.ok(!a3.entries.has(entryId));
    assert.equal((await a2.newX509Svid(entryId)).spiffeId, 'spiffe://example.org/workload/db');
  });

  it('a banned x509pop agent cannot call or re-attest; after eviction it can attest again', async () => {
    const leaf = makeX509Leaf(server.dir, 'to-ban', 'to-ban');
    const agent = await newAgent();
    const { spiffeId } = await agent.attest(x509popAttestor([leaf.der], leaf.key));
    const id = { trust_domain: 'example.org', path: new URL(spiffeId).pathname };
    await server.admin('agent', 'BanAgent', { id });
    await assert.rejects(agent.sync(), (e: unknown) => e instanceof RpcError && e.code === PERMISSION_DENIED);
    const fresh = await newAgent();
    await assert.rejects(fresh.attest(x509popAttestor([leaf.der], leaf.key)), (e: unknown) => e instanceof RpcError && e.code === PERMISSION_DENIED && e.details === 'failed to attest: agent is banned');
    await server.admin('agent', 'DeleteAgent', { id });
    assert.equal((await fresh.attest(x509popAttestor([leaf.der], leaf.key))).spiffeId, spiffeId);
  });

  it('the agent refuses a server that does not present spiffe://<td>/spire/server', async () => {
    const leaf = makeX509Leaf(server.dir, 'picky', 'picky');
    const picky = new AgentClient({ address: `127.0.0.1:${server.port}`, trustDomain: 'other.org', bundlePem: await server.bundlePem() });
    agents.push(picky);
    await assert.rejects(picky.attest(x509popAttestor([leaf.der], leaf.key)), (e: unknown) => e instanceof RpcError && e.code === UNAVAILABLE);
  });
});
