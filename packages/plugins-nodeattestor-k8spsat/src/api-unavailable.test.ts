import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { parsePsatConfig } from './config.js';
import { attest, makeAttestor, payloadOf, putAgentPod, td, tokenFor, writes } from './emulator.test-support.js';
import { kubeApi } from './kube-api.js';
import { PsatAttestor } from './psat-attestor.js';

// An API server that is down, overloaded or slow: UNAVAILABLE (an agent retries), promptly.

describe('k8s_psat when the API server is unavailable', () => {
  let k: KubeEmulator;
  before(async () => {
    k = await KubeEmulator.start();
  });
  afterEach(() => {
    k.setUnavailable(false);
    k.setDelayMs(0);
  });
  after(async () => k.close());

  it('fails with UNAVAILABLE when the API server answers 503', async () => {
    const pod = putAgentPod(k, { name: 'agent-503', nodeName: 'n-503' });
    k.setUnavailable(true);
    await assert.rejects(
      attest(await makeAttestor(k), payloadOf('c1', tokenFor(k, pod))),
      isSpireError(Code.UNAVAILABLE, 'unable to validate token with TokenReview API for cluster "c1": unable to query token review API: the server is currently unable to handle the request'),
    );
    assert.deepEqual(writes(k), []);
  });

  it('fails with UNAVAILABLE within the request deadline when the API server is slow', async () => {
    const pod = putAgentPod(k, { name: 'agent-slow', nodeName: 'n-slow' });
    const r = parsePsatConfig({ clusters: { c1: { service_account_allow_list: ['spire:spire-agent'], kube_config_file: k.kubeconfigPath } } }, { trustDomain: td, dataDir: '/tmp' });
    const a = new PsatAttestor(r.config!, td, new Map([['c1', kubeApi(k.kubeconfigPath, 300)]]), silentLogger());
    k.setDelayMs(5_000);
    const t0 = Date.now();
    await assert.rejects(
      attest(a, payloadOf('c1', tokenFor(k, pod))),
      isSpireError(Code.UNAVAILABLE, 'unable to validate token with TokenReview API for cluster "c1": unable to query token review API: no answer from the API server within 300ms'),
    );
    assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0}ms`);
  });

  it('fails with UNAVAILABLE when nothing listens at the API server address', async () => {
    const other = await KubeEmulator.start();
    const pod = putAgentPod(other, { name: 'agent-down', nodeName: 'n-down' });
    const token = tokenFor(other, pod);
    // The emulator removes its kubeconfig files when it closes; keep a copy.
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'k8spsat-')), 'kubeconfig');
    copyFileSync(other.kubeconfigPath, kubeconfig);
    const a = await makeAttestor(other, {}, kubeconfig);
    const port = new URL(other.url).port;
    await other.close();
    await assert.rejects(
      attest(a, payloadOf('c1', token)),
      isSpireError(Code.UNAVAILABLE, `unable to validate token with TokenReview API for cluster "c1": unable to query token review API: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`),
    );
  });
});
