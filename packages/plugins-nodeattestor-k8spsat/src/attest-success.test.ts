import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { attest, makeAttestor, payloadOf, putAgentPod, tokenFor, writes } from './emulator.test-support.js';

describe('k8s_psat attestation against the Kubernetes API emulator', () => {
  let k: KubeEmulator;
  before(async () => {
    k = await KubeEmulator.start();
  });
  after(async () => k.close());

  it('attests a projected token: node-UID agent ID, SPIRE selectors, re-attestable', async () => {
    const pod = putAgentPod(k, { name: 'spire-agent-a', nodeName: 'node-a', hostIP: '10.1.2.3' });
    const a = await makeAttestor(k);
    const attrs = await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.deepEqual(attrs, {
      spiffeId: `spiffe://example.org/spire/agent/k8s_psat/c1/${pod.nodeUid}`,
      selectorValues: [
        'cluster:c1',
        'agent_ns:spire',
        'agent_sa:spire-agent',
        'agent_pod_name:spire-agent-a',
        `agent_pod_uid:${pod.uid}`,
        'agent_node_ip:10.1.2.3',
        'agent_node_name:node-a',
        `agent_node_uid:${pod.nodeUid}`,
      ],
      canReattest: true,
    });
  });

  it('re-attests the same agent with a fresh token to the same ID', async () => {
    const pod = putAgentPod(k, { name: 'spire-agent-r', nodeName: 'node-r' });
    const a = await makeAttestor(k);
    const first = await attest(a, payloadOf('c1', tokenFor(k, pod)));
    const again = await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.equal(again.spiffeId, first.spiffeId);
    assert.equal(again.canReattest, true);
  });

  it('uses the pod UID with use_pod_uid_for_agent_id', async () => {
    const pod = putAgentPod(k, { name: 'spire-broker-1', nodeName: 'node-b' });
    const a = await makeAttestor(k, { use_pod_uid_for_agent_id: true });
    const attrs = await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/k8s_psat/c1/pod/${pod.uid}`);
  });

  it('adds label selectors for the allowed keys only', async () => {
    const pod = putAgentPod(k, {
      name: 'spire-agent-l',
      nodeName: 'node-l',
      nodeLabels: { 'topology.kubernetes.io/zone': 'eu-1a', secret: 'no' },
      podLabels: { app: 'spire-agent', tier: 'infra', other: 'no' },
    });
    const a = await makeAttestor(k, { allowed_node_label_keys: ['topology.kubernetes.io/zone'], allowed_pod_label_keys: ['tier', 'app'] });
    const attrs = await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.deepEqual(attrs.selectorValues.slice(8), [
      'agent_node_label:topology.kubernetes.io/zone:eu-1a',
      'agent_pod_label:app:spire-agent',
      'agent_pod_label:tier:infra',
    ]);
  });

  it('accepts any audience the API server grants with audience = [] (the API server\'s own)', async () => {
    const pod = putAgentPod(k, { name: 'spire-agent-d', nodeName: 'node-d' });
    const a = await makeAttestor(k, { audience: [] });
    const attrs = await attest(a, payloadOf('c1', tokenFor(k, pod, { audiences: k.apiAudiences })));
    assert.equal(attrs.spiffeId, `spiffe://example.org/spire/agent/k8s_psat/c1/${pod.nodeUid}`);
  });

  it('only reads: one TokenReview, one pod GET and one node GET, with the kubeconfig\'s credentials', async () => {
    const pod = putAgentPod(k, { name: 'spire-agent-q', nodeName: 'node-q' });
    const a = await makeAttestor(k);
    const start = k.requests.length;
    await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.deepEqual(
      k.requests.slice(start).map((r) => `${r.method} ${r.path} ${r.auth}`),
      [
        'POST /apis/authentication.k8s.io/v1/tokenreviews token',
        'GET /api/v1/namespaces/spire/pods/spire-agent-q token',
        'GET /api/v1/nodes/node-q token',
      ],
    );
    assert.deepEqual(writes(k), []);
  });

  it('works with a client-certificate kubeconfig', async () => {
    const pod = putAgentPod(k, { name: 'spire-agent-c', nodeName: 'node-c' });
    const a = await makeAttestor(k, {}, k.kubeconfigClientCertPath);
    const start = k.requests.length;
    await attest(a, payloadOf('c1', tokenFor(k, pod)));
    assert.deepEqual(new Set(k.requests.slice(start).map((r) => r.auth)), new Set(['cert']));
  });
});
