import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { attest, makeAttestor, payloadOf, putAgentPod, tokenFor, writes } from './emulator.test-support.js';

// Every refusal, with SPIRE's code and message, against the emulator; after each, the plugin has
// made no write to the cluster (and, refusing, hands the server nothing to store).

describe('k8s_psat refusals', () => {
  let k: KubeEmulator;
  before(async () => {
    k = await KubeEmulator.start();
  });
  after(async () => {
    assert.deepEqual(writes(k), []);
    await k.close();
  });

  it('refuses an empty payload', async () => {
    await assert.rejects(attest(await makeAttestor(k), new Uint8Array()), isSpireError(Code.INVALID_ARGUMENT, 'missing attestation payload'));
  });

  it('refuses a payload that is not the attestation data', async () => {
    const a = await makeAttestor(k);
    await assert.rejects(
      attest(a, Buffer.from('{"cluster":["c1"],"token":"t"}')),
      isSpireError(Code.INVALID_ARGUMENT, 'failed to unmarshal data payload: json: cannot unmarshal array into Go struct field PSATAttestationData.cluster of type string'),
    );
    await assert.rejects(attest(a, Buffer.from('{')), (e: unknown) => {
      assert.equal((e as { code?: unknown }).code, Code.INVALID_ARGUMENT);
      assert.match((e as Error).message, /^failed to unmarshal data payload: /);
      return true;
    });
  });

  it('refuses a payload without cluster or token', async () => {
    const a = await makeAttestor(k);
    await assert.rejects(attest(a, payloadOf('', 'x')), isSpireError(Code.INVALID_ARGUMENT, 'missing cluster in attestation data'));
    await assert.rejects(attest(a, payloadOf('c1', '')), isSpireError(Code.INVALID_ARGUMENT, 'missing token in attestation data'));
  });

  it('refuses a cluster that is not configured, before asking any API server', async () => {
    const pod = putAgentPod(k, { name: 'agent-unknown', nodeName: 'n-unknown' });
    const before = k.tokenReviews;
    await assert.rejects(attest(await makeAttestor(k), payloadOf('c9', tokenFor(k, pod))), isSpireError(Code.INVALID_ARGUMENT, 'not configured for cluster "c9"'));
    assert.equal(k.tokenReviews, before);
  });

  it('refuses a token the API server does not authenticate (forged signature)', async () => {
    const pod = putAgentPod(k, { name: 'agent-forged', nodeName: 'n-forged' });
    const [h, p, s] = tokenFor(k, pod).split('.');
    const forged = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', forged)),
      isSpireError(
        Code.INTERNAL,
        'unable to validate token with TokenReview API for cluster "c1": token review API response contains an error: [invalid bearer token, square/go-jose: error in cryptographic primitive]',
      ),
    );
  });

  it('refuses an expired token', async () => {
    const pod = putAgentPod(k, { name: 'agent-expired', nodeName: 'n-expired' });
    const token = tokenFor(k, pod, { issuedAtSec: Math.floor(Date.now() / 1000) - 7200, expiresInSec: 3600 });
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', token)),
      isSpireError(Code.INTERNAL, 'unable to validate token with TokenReview API for cluster "c1": token review API response contains an error: [invalid bearer token, service account token has expired]'),
    );
  });

  it('refuses a token for another audience', async () => {
    const pod = putAgentPod(k, { name: 'agent-aud', nodeName: 'n-aud' });
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', tokenFor(k, pod, { audiences: ['vault'] }))),
      isSpireError(
        Code.INTERNAL,
        'unable to validate token with TokenReview API for cluster "c1": token review API response contains an error: [invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["spire-server"]]',
      ),
    );
  });

  it('refuses a service account outside the allow list', async () => {
    const pod = putAgentPod(k, { name: 'intruder', nodeName: 'n-intruder' });
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', tokenFor(k, pod, { serviceAccount: 'intruder' }))),
      isSpireError(Code.PERMISSION_DENIED, '"spire:intruder" is not an allowed service account for cluster "c1"'),
    );
  });

  it('refuses a token not bound to a pod (a legacy token, with the API server\'s audience)', async () => {
    const legacy = k.mintLegacyToken({ namespace: 'spire', serviceAccount: 'spire-agent' });
    await assert.rejects(
      attest(await makeAttestor(k, { audience: [] }), payloadOf('c1', legacy)),
      isSpireError(Code.INTERNAL, 'failed to get pod name from token review status for cluster "c1": missing pod name'),
    );
  });

  it('refuses a token whose pod is gone', async () => {
    const pod = putAgentPod(k, { name: 'agent-gone', nodeName: 'n-gone' });
    const token = tokenFor(k, pod);
    assert.ok(k.delete('v1', 'Pod', 'spire', 'agent-gone'));
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', token)),
      isSpireError(Code.INTERNAL, 'failed to get pod from k8s API server for cluster "c1": unable to query pods API: pods "agent-gone" not found'),
    );
  });

  it('refuses a token whose pod was replaced by a new pod of the same name (pod UID mismatch)', async () => {
    const old = putAgentPod(k, { name: 'agent-reused', nodeName: 'n-reused' });
    const token = tokenFor(k, old);
    assert.ok(k.delete('v1', 'Pod', 'spire', 'agent-reused'));
    const fresh = putAgentPod(k, { name: 'agent-reused', nodeName: 'n-reused' });
    assert.notEqual(fresh.uid, old.uid);
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', token)),
      isSpireError(Code.PERMISSION_DENIED, `pod UID mismatch for pod "agent-reused" in cluster "c1": token bound to pod UID "${old.uid}"`),
    );
  });

  it('refuses when the pod\'s node is gone', async () => {
    const pod = putAgentPod(k, { name: 'agent-nonode', nodeName: 'n-deleted' });
    assert.ok(k.delete('v1', 'Node', undefined, 'n-deleted'));
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', tokenFor(k, pod))),
      isSpireError(Code.INTERNAL, 'failed to get node from k8s API server for cluster "c1": unable to query nodes API: nodes "n-deleted" not found'),
    );
  });

  it('fails when the API server refuses the kubeconfig\'s credentials', async () => {
    const pod = putAgentPod(k, { name: 'agent-401', nodeName: 'n-401' });
    const a = await makeAttestor(k, {}, k.writeKubeconfig({ token: 'not-a-valid-token' }));
    await assert.rejects(
      attest(a, payloadOf('c1', tokenFor(k, pod))),
      isSpireError(Code.INTERNAL, 'unable to validate token with TokenReview API for cluster "c1": unable to query token review API: Unauthorized'),
    );
  });

  it('fails when the kubeconfig file cannot be read', async () => {
    const pod = putAgentPod(k, { name: 'agent-nokc', nodeName: 'n-nokc' });
    const a = await makeAttestor(k, {}, '/nonexistent/kubeconfig');
    await assert.rejects(
      attest(a, payloadOf('c1', tokenFor(k, pod))),
      isSpireError(
        Code.INTERNAL,
        'unable to validate token with TokenReview API for cluster "c1": unable to get clientset: unable to create client config: ENOENT: no such file or directory, open \'/nonexistent/kubeconfig\'',
      ),
    );
  });

  it('fails without a kubeconfig outside a cluster (in-cluster configuration needs KUBERNETES_SERVICE_HOST/PORT)', async () => {
    const pod = putAgentPod(k, { name: 'agent-incluster', nodeName: 'n-incluster' });
    const saved = [process.env.KUBERNETES_SERVICE_HOST, process.env.KUBERNETES_SERVICE_PORT];
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_PORT;
    try {
      await assert.rejects(
        attest(await makeAttestor(k, {}, ''), payloadOf('c1', tokenFor(k, pod))),
        isSpireError(
          Code.INTERNAL,
          'unable to validate token with TokenReview API for cluster "c1": unable to get clientset: unable to create client config: unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined',
        ),
      );
    } finally {
      if (saved[0] !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved[0];
      if (saved[1] !== undefined) process.env.KUBERNETES_SERVICE_PORT = saved[1];
    }
  });
});
