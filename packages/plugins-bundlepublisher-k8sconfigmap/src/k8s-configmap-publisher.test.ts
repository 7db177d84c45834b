import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, fromPem, silentLogger, SpireError, type PluginBundle } from '@spire-ts/core/plugin';
import { runBundlePublisherContract, sampleBundle } from '@spire-ts/core/plugin/testing';
import type { K8sConfigMapCluster } from './config.js';
import { FakeConfigMaps } from './configmap-writer.fake.js';
import { K8sConfigMapPublisher } from './k8s-configmap-publisher.js';

const cluster = (id: string, over: Partial<K8sConfigMapCluster> = {}): K8sConfigMapCluster => ({
  id,
  format: 'pem',
  namespace: 'spire',
  configMapName: 'bundle',
  configMapKey: 'bundle.pem',
  kubeConfigPath: '',
  refreshHintSeconds: 0,
  ...over,
});

function pemBundle(text: string | undefined): PluginBundle | undefined {
  if (text === undefined) return undefined;
  return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
}

runBundlePublisherContract('k8s_configmap (fake ConfigMaps, pem)', async () => {
  const fake = new FakeConfigMaps();
  const publisher = new K8sConfigMapPublisher([{ cluster: cluster('a'), write: fake.writer() }], silentLogger());
  return { publisher, published: async () => pemBundle(fake.value('spire', 'bundle', 'bundle.pem')), close: async () => {} };
});

describe('k8s_configmap publisher (fake ConfigMaps)', () => {
  it('does not write a bundle equal to the last one published', async () => {
    const fake = new FakeConfigMaps();
    const p = new K8sConfigMapPublisher([{ cluster: cluster('a'), write: fake.writer() }], silentLogger());
    await p.publishBundle(sampleBundle(1));
    await p.publishBundle(sampleBundle(1));
    assert.equal(fake.writes, 1);
    await p.publishBundle(sampleBundle(2));
    assert.equal(fake.writes, 2);
  });

  it('a failed cluster is named, the others are written, and the next call publishes again', async () => {
    const a = new FakeConfigMaps();
    const b = new FakeConfigMaps();
    const p = new K8sConfigMapPublisher([{ cluster: cluster('a'), write: a.writer() }, { cluster: cluster('b'), write: b.writer() }], silentLogger());
    a.failNext = Object.assign(new Error('x'), { code: 403, body: { message: 'configmaps "bundle" is forbidden' } });
    await assert.rejects(p.publishBundle(sampleBundle(1)), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.equal(e.message, 'failed to apply ConfigMap for cluster "a": configmaps "bundle" is forbidden');
      return true;
    });
    assert.ok(b.value('spire', 'bundle', 'bundle.pem'));
    await p.publishBundle(sampleBundle(1));
    assert.equal(a.writes, 2);
    assert.ok(a.value('spire', 'bundle', 'bundle.pem'));
  });

  it('an authority that cannot be formatted names the cluster', async () => {
    const fake = new FakeConfigMaps();
    const p = new K8sConfigMapPublisher([{ cluster: cluster('s', { format: 'spiffe' }), write: fake.writer() }], silentLogger());
    await assert.rejects(p.publishBundle(sampleBundle(1)), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /^could not format bundle when publishing to cluster "s": could not convert bundle to spiffe format: unable to parse root CA 0: /);
      return true;
    });
    assert.equal(fake.writes, 0);
  });
});
