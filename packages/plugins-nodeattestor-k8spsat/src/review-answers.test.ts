import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, TrustDomain, silentLogger } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import type { PsatClusterConfig } from './config.js';
import { FakeKubeApi } from './kube-api.fake.js';
import { PsatAttestor } from './psat-attestor.js';

// TokenReview answers an honest API server does not give (the emulator cannot be made to), and
// the attestor's own reading of them, against the fake KubeApi.

const td = TrustDomain.parse('example.org');
const cluster = (over: Partial<PsatClusterConfig> = {}): PsatClusterConfig => ({
  serviceAccounts: new Set(['spire:agent']),
  audience: ['spire-server'],
  kubeConfigFile: '',
  allowedNodeLabelKeys: new Set(),
  allowedPodLabelKeys: new Set(),
  usePodUidForAgentId: false,
  ...over,
});
const payload = Buffer.from(JSON.stringify({ cluster: 'c1', token: 't' }));

function setup(over: Partial<PsatClusterConfig> = {}) {
  const api = new FakeKubeApi();
  api.review = {
    authenticated: true,
    username: 'system:serviceaccount:spire:agent',
    extra: { 'authentication.kubernetes.io/pod-name': ['agent-1'], 'authentication.kubernetes.io/pod-uid': ['pod-uid-1'] },
    audiences: ['spire-server'],
    error: '',
  };
  api.pods.set('spire/agent-1', { uid: 'pod-uid-1', nodeName: 'n1', hostIP: '10.0.0.1', labels: {} });
  api.nodes.set('n1', { uid: 'node-uid-1', labels: {} });
  const a = new PsatAttestor({ clusters: new Map([['c1', cluster(over)]]) }, td, new Map([['c1', api]]), silentLogger());
  return { api, a };
}

describe('k8s_psat: reading the TokenReview answer', () => {
  it('refuses a token the review does not authenticate, without an error (PERMISSION_DENIED, as SPIRE)', async () => {
    const { api, a } = setup();
    api.review = { authenticated: false, username: '', extra: {}, audiences: [], error: '' };
    await assert.rejects(a.attest(payload), isSpireError(Code.PERMISSION_DENIED, 'token not authenticated according to TokenReview API for cluster "c1"'));
    assert.deepEqual(api.calls, ['review t spire-server']);
  });

  it('refuses a username that is not system:serviceaccount:<ns>:<sa> (INTERNAL, as SPIRE)', async () => {
    const { api, a } = setup();
    api.review.username = 'system:node:n1';
    await assert.rejects(a.attest(payload), isSpireError(Code.INTERNAL, 'failed to parse username from token review status for cluster "c1": unexpected username format: system:node:n1'));
    api.review.username = 'system:serviceaccount::agent';
    await assert.rejects(a.attest(payload), isSpireError(Code.INTERNAL, 'failed to parse username from token review status for cluster "c1": missing namespace'));
  });

  it('refuses two pod names in extra', async () => {
    const { api, a } = setup();
    api.review.extra['authentication.kubernetes.io/pod-name'] = ['agent-1', 'agent-2'];
    await assert.rejects(a.attest(payload), isSpireError(Code.INTERNAL, 'failed to get pod name from token review status for cluster "c1": expected 1 name but got: 2'));
    assert.deepEqual(api.calls, ['review t spire-server']);
  });

  it('refuses an empty pod UID in extra', async () => {
    const { api, a } = setup();
    api.review.extra['authentication.kubernetes.io/pod-uid'] = [''];
    await assert.rejects(a.attest(payload), isSpireError(Code.INTERNAL, 'failed to get pod UID from token review status for cluster "c1": pod UID is empty'));
  });

  it('refuses a node without a UID', async () => {
    const { api, a } = setup();
    api.nodes.set('n1', { uid: '', labels: {} });
    await assert.rejects(a.attest(payload), isSpireError(Code.INTERNAL, 'node UID is empty for cluster "c1"'));
  });

  it('refuses a review with status.error even when authenticated', async () => {
    const { api, a } = setup();
    api.review.error = 'boom';
    await assert.rejects(
      a.attest(payload),
      isSpireError(Code.INTERNAL, 'unable to validate token with TokenReview API for cluster "c1": token review API response contains an error: boom'),
    );
  });

  it('refuses an authenticated review that grants none of the configured audiences', async () => {
    const { api, a } = setup({ audience: ['spire-server', 'spire'] });
    api.review.audiences = ['https://kubernetes.default.svc'];
    await assert.rejects(
      a.attest(payload),
      isSpireError(
        Code.INTERNAL,
        'unable to validate token with TokenReview API for cluster "c1": token review API did not validate audience: wanted one of ["spire-server" "spire"] but got ["https://kubernetes.default.svc"]',
      ),
    );
  });

  it('sends an explicit empty audience and then does not check the granted ones', async () => {
    const { api, a } = setup({ audience: [] });
    api.review.audiences = ['https://kubernetes.default.svc'];
    const attrs = await a.attest(payload);
    assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/k8s_psat/c1/node-uid-1');
    assert.equal(api.calls[0], 'review t ');
  });
});
