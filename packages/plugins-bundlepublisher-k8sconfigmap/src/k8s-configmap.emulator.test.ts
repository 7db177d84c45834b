import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code, fromPem, SpireError, type BundlePublisher } from '@spire-ts/core/plugin';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { realBundle, runBundlePublisherContract } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { FIELD_MANAGER } from './configmap-apply.js';
import { publisherFor, useEmulator } from './emulator.test-support.js';

const ctx = useEmulator();

const cluster = (over: Record<string, unknown> = {}) => ({ configmap_name: 'bundle', configmap_key: 'b', namespace: 'spire', format: 'pem', kubeconfig_path: ctx.k.kubeconfigPath, ...over });
const data = (ns: string, name: string) => (ctx.k.get('v1', 'ConfigMap', ns, name) as { data?: Record<string, string> } | undefined)?.data;

for (const servedAs of ['in-process', 'external'] as const) {
  runBundlePublisherContract(`k8s_configmap (Kubernetes emulator, pem, ${servedAs})`, async () => {
    const k = await KubeEmulator.start();
    const data = { clusters: { c: { configmap_name: 'contract', configmap_key: 'pem', namespace: 'ns', format: 'pem', kubeconfig_path: k.kubeconfigPath } } };
    const started = await startDescriptorForTest<BundlePublisher>(servedAs, import.meta.resolve('./index.js'), 'k8sConfigMapBundlePublisher', { data });
    return {
      publisher: started.plugin,
      published: async () => {
        const text = (k.get('v1', 'ConfigMap', 'ns', 'contract') as { data?: Record<string, string> } | undefined)?.data?.pem;
        if (text === undefined) return undefined;
        return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
      },
      close: async () => {
        await started.close();
        await k.close();
      },
    };
  });
}

describe('k8s_configmap against the Kubernetes emulator', () => {
  it('creates the ConfigMap by server-side apply as SPIRE field manager, in pem', async () => {
    const bundle = realBundle(1);
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'pem-ns' }) } });
    const before = ctx.k.requests.length;
    await p.publishBundle(bundle);
    assert.equal(new X509Certificate(data('pem-ns', 'bundle')!.b!).subject, 'CN=ca-1');
    const writes = ctx.k.requests.slice(before).filter((r) => r.method !== 'GET');
    assert.deepEqual(
      writes.map((r) => [r.method, r.path, r.contentType, r.query.fieldManager, r.query.force]),
      [['PATCH', '/api/v1/namespaces/pem-ns/configmaps/bundle', 'application/apply-patch+yaml', FIELD_MANAGER, undefined]],
    );
  });

  it('spiffe format carries the JWT key, the sequence and the configured refresh hint', async () => {
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'spiffe-ns', format: 'spiffe', refresh_hint: '10m' }) } });
    await p.publishBundle(realBundle(4));
    const doc = JSON.parse(data('spiffe-ns', 'bundle')!.b!) as { keys: { use: string; kid?: string }[]; spiffe_sequence: number; spiffe_refresh_hint: number };
    assert.deepEqual(doc.keys.map((k) => k.use), ['x509-svid', 'jwt-svid']);
    assert.equal(doc.keys[1]!.kid, 'kid-4');
    assert.equal(doc.spiffe_sequence, 4);
    assert.equal(doc.spiffe_refresh_hint, 600);
  });

  it('jwks format has the keys and no SPIFFE members', async () => {
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'jwks-ns', format: 'JWKS', refresh_hint: '10m' }) } });
    await p.publishBundle(realBundle(2));
    const doc = JSON.parse(data('jwks-ns', 'bundle')!.b!) as Record<string, unknown> & { keys: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['keys']);
    assert.deepEqual(doc.keys.map((k) => [k.use, k.kid, Array.isArray(k.x5c)]), [[undefined, undefined, true], [undefined, 'kid-2', false]]);
  });

  it('keeps the keys other managers own in the same ConfigMap', async () => {
    ctx.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bundle', namespace: 'shared' }, data: { other: 'kept' } });
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'shared' }) } });
    await p.publishBundle(realBundle(1));
    assert.deepEqual(Object.keys(data('shared', 'bundle')!).sort(), ['b', 'other']);
    assert.equal(data('shared', 'bundle')!.other, 'kept');
  });

  it('an API outage is INTERNAL naming the cluster; the next call publishes', async () => {
    const p = await publisherFor({ clusters: { east: cluster({ namespace: 'outage' }) } });
    ctx.k.setUnavailable(true);
    try {
      await assert.rejects(p.publishBundle(realBundle(1)), (e: unknown) => {
        assert.ok(e instanceof SpireError);
        assert.equal(e.code, Code.INTERNAL);
        assert.match(e.message, /^failed to apply ConfigMap for cluster "east": /);
        return true;
      });
    } finally {
      ctx.k.setUnavailable(false);
    }
    assert.equal(data('outage', 'bundle'), undefined);
    await p.publishBundle(realBundle(1));
    assert.ok(data('outage', 'bundle')?.b);
  });

  it('a malformed API answer is INTERNAL naming the cluster; the same bundle is published again next time', async () => {
    const p = await publisherFor({ clusters: { west: cluster({ namespace: 'garbled' }) } });
    ctx.k.setMalformed(true);
    try {
      await assert.rejects(p.publishBundle(realBundle(1)), (e: unknown) => {
        assert.ok(e instanceof SpireError);
        assert.equal(e.code, Code.INTERNAL);
        assert.match(e.message, /^failed to apply ConfigMap for cluster "west": /);
        return true;
      });
    } finally {
      ctx.k.setMalformed(false);
    }
    const before = ctx.k.requests.length;
    const b = realBundle(2);
    await p.publishBundle(b);
    await p.publishBundle(b);
    assert.equal(ctx.k.requests.slice(before).filter((r) => r.method === 'PATCH').length, 1);
  });

  it('credentials the API refuses: INTERNAL Unauthorized, nothing written', async () => {
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'denied', kubeconfig_path: ctx.k.writeKubeconfig({ token: 'not-a-token' }) }) } });
    await assert.rejects(p.publishBundle(realBundle(1)), { message: 'failed to apply ConfigMap for cluster "a": Unauthorized' });
    assert.equal(data('denied', 'bundle'), undefined);
  });

  it('client-certificate kubeconfigs work too', async () => {
    const p = await publisherFor({ clusters: { a: cluster({ namespace: 'cert', kubeconfig_path: ctx.k.kubeconfigClientCertPath }) } });
    const before = ctx.k.requests.length;
    await p.publishBundle(realBundle(1));
    assert.ok(data('cert', 'bundle')?.b);
    assert.ok(ctx.k.requests.slice(before).every((r) => r.auth === 'cert'));
  });

  it('a kubeconfig that cannot be read fails creation naming the cluster', async () => {
    await assert.rejects(publisherFor({ clusters: { a: cluster({ kubeconfig_path: '/nonexistent/kubeconfig' }) } }), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /^failed to create Kubernetes client for cluster "a": error getting kubeconfig: .*ENOENT/);
      return true;
    });
  });
});
