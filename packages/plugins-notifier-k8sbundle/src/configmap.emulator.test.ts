import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError, type Notifier } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { authoritiesIn, bundleOf, notifierFor, useEmulator } from './emulator.test-support.js';

const ctx = useEmulator();

function configMap(namespace: string, name = 'spire-bundle', data: Record<string, string> = {}): void {
  ctx.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
}
const dataOf = (ns: string, name = 'spire-bundle') => (ctx.k.get('v1', 'ConfigMap', ns, name) as { data?: Record<string, string> } | undefined)?.data ?? {};


describe('k8sbundle ConfigMap against the Kubernetes emulator', () => {
  it('BundleLoaded writes the PEM authorities by strategic merge; other keys stay', async () => {
    configMap('spire', 'spire-bundle', { other: 'kept' });
    const n = await notifierFor({ kube_config_file_path: ctx.k.kubeconfigPath }, {}, ctx.made);
    const before = ctx.k.requests.length;
    await n.notifyAndAdviseBundleLoaded(bundleOf(1, 2));
    assert.deepEqual(authoritiesIn(dataOf('spire')['bundle.crt']), [1, 2]);
    assert.equal(dataOf('spire').other, 'kept');
    const patches = ctx.k.requests.slice(before).filter((r) => r.method === 'PATCH');
    assert.deepEqual(patches.map((r) => [r.path, r.contentType]), [['/api/v1/namespaces/spire/configmaps/spire-bundle', 'application/strategic-merge-patch+json']]);
    await n.notifyBundleUpdated(bundleOf(3));
    assert.deepEqual(authoritiesIn(dataOf('spire')['bundle.crt']), [3]);
  });

  it('served as an external plugin (plugin_cmd): BundleLoaded writes the ConfigMap, with the server IdentityProvider', async () => {
    configMap('external');
    const host = { identityProvider: { fetchX509Identity: async () => ({ certChain: [], bundle: bundleOf(6, 7) }) } };
    const started = await startDescriptorForTest<Notifier>('external', import.meta.resolve('./index.js'), 'k8sbundleNotifier', {
      data: { namespace: 'external', kube_config_file_path: ctx.k.kubeconfigPath },
      host,
    });
    try {
      await started.plugin.notifyAndAdviseBundleLoaded(bundleOf(1));
      assert.deepEqual(authoritiesIn(dataOf('external')['bundle.crt']), [6, 7]);
    } finally {
      await started.close();
    }
  });

  it('namespace, config_map and config_map_key are honoured', async () => {
    configMap('infra', 'agents');
    const n = await notifierFor({ namespace: 'infra', config_map: 'agents', config_map_key: 'bootstrap.crt', kube_config_file_path: ctx.k.kubeconfigPath }, {}, ctx.made);
    await n.notifyAndAdviseBundleLoaded(bundleOf(5));
    assert.deepEqual(Object.keys(dataOf('infra', 'agents')), ['bootstrap.crt']);
  });

  it('a missing ConfigMap fails BundleLoaded (which stops the server) with SPIRE message', async () => {
    const n = await notifierFor({ namespace: 'nowhere', kube_config_file_path: ctx.k.kubeconfigPath }, {}, ctx.made);
    await rejectsWith(n.notifyAndAdviseBundleLoaded(bundleOf(1)), Code.INTERNAL, 'unable to update: unable to get list: configmaps "spire-bundle" not found');
    assert.equal(ctx.k.get('v1', 'ConfigMap', 'nowhere', 'spire-bundle'), undefined, 'the notifier never creates the ConfigMap');
  });

  it('a concurrent write between read and patch (409) is retried with a fresh read', async () => {
    configMap('race');
    let raced = 0;
    const host = {
      identityProvider: {
        fetchX509Identity: async () => {
          // Another server writes the ConfigMap after our read, before our patch.
          if (raced++ === 0) configMap('race', 'spire-bundle', { 'bundle.crt': 'other server' });
          return { certChain: [], bundle: bundleOf(7) };
        },
      },
    };
    const n = await notifierFor({ namespace: 'race', kube_config_file_path: ctx.k.kubeconfigPath }, host, ctx.made);
    const before = ctx.k.requests.length;
    await n.notifyAndAdviseBundleLoaded(bundleOf(7));
    assert.deepEqual(authoritiesIn(dataOf('race')['bundle.crt']), [7]);
    const calls = ctx.k.requests.slice(before).map((r) => r.method);
    assert.deepEqual(calls, ['GET', 'GET', 'PATCH', 'GET', 'PATCH'], 'list, then read+patch (409), then read+patch');
  });

  it('still conflicting after 5 tries: INTERNAL with the API message', async () => {
    configMap('busy');
    const host = {
      identityProvider: {
        fetchX509Identity: async () => {
          configMap('busy', 'spire-bundle', { 'bundle.crt': `writer ${Date.now()}` });
          return { certChain: [], bundle: bundleOf(1) };
        },
      },
    };
    const n = await notifierFor({ namespace: 'busy', kube_config_file_path: ctx.k.kubeconfigPath }, host, ctx.made);
    const before = ctx.k.requests.length;
    await assert.rejects(n.notifyAndAdviseBundleLoaded(bundleOf(1)), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /^unable to update: busy\/spire-bundle: Operation cannot be fulfilled on configmaps "spire-bundle": /);
      return true;
    });
    assert.equal(ctx.k.requests.slice(before).filter((r) => r.method === 'PATCH').length, 5);
  });

  it('several clusters are all written; a failing one is named and the others still written', async () => {
    configMap('multi');
    const bad = ctx.k.writeKubeconfig({ token: 'refused' });
    const n = await notifierFor(
      { namespace: 'multi', kube_config_file_path: ctx.k.kubeconfigPath, clusters: [{ namespace: 'multi', config_map_key: 'second.crt', kube_config_file_path: ctx.k.kubeconfigClientCertPath }, { kube_config_file_path: bad }] },
      {},
      ctx.made,
    );
    await rejectsWith(n.notifyAndAdviseBundleLoaded(bundleOf(4)), Code.INTERNAL, 'unable to update: unable to get list: Unauthorized');
    assert.deepEqual(Object.keys(dataOf('multi')).sort(), ['bundle.crt', 'second.crt']);
  });

  it('a malformed API answer is an INTERNAL error, not a crash; the next event writes', async () => {
    configMap('garbled');
    const n = await notifierFor({ namespace: 'garbled', kube_config_file_path: ctx.k.kubeconfigPath }, {}, ctx.made);
    ctx.k.setMalformed(true);
    try {
      await assert.rejects(n.notifyBundleUpdated(bundleOf(1)), (e: unknown) => {
        assert.ok(e instanceof SpireError);
        assert.equal(e.code, Code.INTERNAL);
        assert.match(e.message, /^unable to update: unable to get list: /);
        return true;
      });
    } finally {
      ctx.k.setMalformed(false);
    }
    await n.notifyBundleUpdated(bundleOf(2));
    assert.deepEqual(authoritiesIn(dataOf('garbled')['bundle.crt']), [2]);
  });

  it('a kubeconfig that cannot be read fails creation', async () => {
    await assert.rejects(notifierFor({ kube_config_file_path: '/nonexistent/kubeconfig' }), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /^unable to create new kubeClients: .*ENOENT/);
      return true;
    });
  });
});
