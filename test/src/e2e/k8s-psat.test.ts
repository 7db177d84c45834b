import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentClient, RpcError, k8sPsatAttestor, k8sSatAttestor } from '../agent/index.js';
import { ServerProcess } from './harness.js';

const PERMISSION_DENIED = 7;

describe('k8s_psat (and k8s_sat) agents against a real spire-server and the Kubernetes API emulator', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  let k: KubeEmulator;
  const newAgent = async () => {
    const a = await server.agent();
    agents.push(a);
    return a;
  };
  /** A node and an agent pod on it; returns the pod's projected token and the UIDs. */
  const agentPod = (name: string, nodeName: string, sa = 'spire-agent') => {
    const node = k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { 'topology.kubernetes.io/zone': 'eu-1a' } } });
    const pod = k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'spire' }, spec: { nodeName }, status: { hostIP: '10.0.0.9' } });
    const podUid = String(pod.metadata?.uid);
    const token = k.mintProjectedToken({ namespace: 'spire', serviceAccount: sa, podName: name, podUid, audiences: ['spire-server'] });
    return { token, podUid, nodeUid: String(node.metadata?.uid) };
  };
  const agentIds = async (): Promise<string[]> => {
    const r = await server.admin<{ agents: { id: { path: string } }[] }>('agent', 'ListAgents', { page_size: 100 });
    return r.agents.map((a) => a.id.path).sort();
  };

  before(async () => {
    k = await KubeEmulator.start();
    const saKeyFile = join(server.dir, 'sa.pub');
    writeFileSync(saKeyFile, k.issuerPublicKeyPem);
    await server.start({
      extraPlugins: `
  NodeAttestor "k8s_psat" {
    plugin_data {
      clusters = {
        "c1" = {
          service_account_allow_list = ["spire:spire-agent"]
          kube_config_file = "${k.kubeconfigPath}"
          allowed_node_label_keys = ["topology.kubernetes.io/zone"]
        }
      }
    }
  }
  NodeAttestor "k8s_sat" {
    plugin_data {
      clusters = {
        "c1" = {
          service_account_allow_list = ["spire:spire-agent"]
          service_account_key_file = "${saKeyFile}"
        }
      }
    }
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
    await k.close();
  });

  it('attests with a projected token, stores SPIRE\'s selectors, and re-attests to the same ID', async () => {
    const p = agentPod('spire-agent-a', 'node-a');
    const agent = await newAgent();
    const r = await agent.attest(k8sPsatAttestor('c1', p.token));
    assert.equal(r.spiffeId, `spiffe://example.org/spire/agent/k8s_psat/c1/${p.nodeUid}`);
    assert.equal(r.reattestable, true);
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(r.spiffeId).pathname } });
    assert.equal(got.attestation_type, 'k8s_psat');
    const sel = got.selectors.map((s: { type: string; value: string }) => `${s.type}:${s.value}`).sort();
    assert.deepEqual(sel, [
      'k8s_psat:agent_node_ip:10.0.0.9',
      'k8s_psat:agent_node_label:topology.kubernetes.io/zone:eu-1a',
      'k8s_psat:agent_node_name:node-a',
      `k8s_psat:agent_node_uid:${p.nodeUid}`,
      'k8s_psat:agent_ns:spire',
      'k8s_psat:agent_pod_name:spire-agent-a',
      `k8s_psat:agent_pod_uid:${p.podUid}`,
      'k8s_psat:agent_sa:spire-agent',
      'k8s_psat:cluster:c1',
    ]);
    const fresh = k.mintProjectedToken({ namespace: 'spire', serviceAccount: 'spire-agent', podName: 'spire-agent-a', podUid: p.podUid, audiences: ['spire-server'] });
    assert.equal((await agent.attest(k8sPsatAttestor('c1', fresh))).spiffeId, r.spiffeId);
  });

  it('a refused attestation stores no agent', async () => {
    const p = agentPod('intruder', 'node-i', 'intruder');
    const before = await agentIds();
    await assert.rejects((await newAgent()).attest(k8sPsatAttestor('c1', p.token)), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.deepEqual([e.code, e.details], [PERMISSION_DENIED, 'nodeattestor(k8s_psat): "spire:intruder" is not an allowed service account for cluster "c1"']);
      return true;
    });
    assert.deepEqual(await agentIds(), before);
  });

  it('a node alias on k8s_psat:cluster grants its workload entry to the cluster\'s agent', async () => {
    const p = agentPod('spire-agent-b', 'node-b');
    const agent = await newAgent();
    await agent.attest(k8sPsatAttestor('c1', p.token));
    await server.createEntry({ spiffeId: 'spiffe://example.org/k8s/c1/nodes', parentId: 'spiffe://example.org/spire/server', selectors: [{ type: 'k8s_psat', value: 'cluster:c1' }] });
    const entryId = await server.createEntry({ spiffeId: 'spiffe://example.org/k8s/c1/web', parentId: 'spiffe://example.org/k8s/c1/nodes', selectors: [{ type: 'k8s', value: 'ns:web' }] });
    await agent.sync();
    assert.ok(agent.entries.has(entryId), [...agent.entries.keys()].join(','));
    assert.equal((await agent.newX509Svid(entryId)).spiffeId, 'spiffe://example.org/k8s/c1/web');
  });

  it('k8s_sat (SPIRE v1.11\'s): logs the deprecation warning, attests a legacy token to a new UUID ID, no re-attestation', async () => {
    assert.match(server.log(), /The \\?"k8s_sat\\?" node attestor plugin has been deprecated in favor of the \\?"k8s_psat\\?" plugin and will be removed in a future release/);
    const legacy = k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' });
    const agent = await newAgent();
    const r = await agent.attest(k8sSatAttestor('c1', legacy));
    assert.match(r.spiffeId, /^spiffe:\/\/example\.org\/spire\/agent\/k8s_sat\/c1\/[0-9a-f-]{36}$/);
    assert.equal(r.reattestable, false);
    const got = await server.admin('agent', 'GetAgent', { id: { trust_domain: 'example.org', path: new URL(r.spiffeId).pathname } });
    assert.deepEqual(got.selectors.map((s: { type: string; value: string }) => `${s.type}:${s.value}`).sort(), ['k8s_sat:agent_ns:spire', 'k8s_sat:agent_sa:spire-agent', 'k8s_sat:cluster:c1']);
  });
});
