import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, SpireError } from '@spire-ts/core/plugin';
import { bundleOf, caBundleAuthorities, eventually, notifierFor, useEmulator, webhookConfig } from './emulator.test-support.js';

const ctx = useEmulator();
const LABEL = 'spiffe.io/webhook';
const API_LABEL = 'spiffe.io/api_service';

interface Hooks {
  webhooks?: { name: string; clientConfig?: { caBundle?: string } }[];
  metadata?: { resourceVersion?: string };
}
const hooksOf = (kind: string, name: string) => (ctx.k.get('admissionregistration.k8s.io/v1', kind, undefined, name) as Hooks | undefined)?.webhooks ?? [];
const caBundlesOf = (kind: string, name: string) => hooksOf(kind, name).map((w) => caBundleAuthorities(w.clientConfig?.caBundle));
const apiCaBundle = (name: string) => caBundleAuthorities((ctx.k.get('apiregistration.k8s.io/v1', 'APIService', undefined, name) as { spec?: { caBundle?: string } } | undefined)?.spec?.caBundle);

function apiService(name: string, labels: Record<string, string>): object {
  return { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name, labels }, spec: { group: 'example.org', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { name: 'svc', namespace: 'spire' } } };
}

describe('k8sbundle webhooks and APIServices against the Kubernetes emulator', () => {
  const host = { bundle: bundleOf(1) };
  const identity = { identityProvider: { fetchX509Identity: async () => ({ certChain: [], bundle: host.bundle }) } };

  it('labelled webhooks and APIServices get the bundle on BundleLoaded; unlabelled ones are left alone', async () => {
    ctx.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'spire-bundle', namespace: 'spire' } });
    ctx.k.put(webhookConfig('MutatingWebhookConfiguration', 'mut', { [LABEL]: 'true' }));
    ctx.k.put(webhookConfig('ValidatingWebhookConfiguration', 'val', { [LABEL]: 'true' }));
    ctx.k.put(webhookConfig('MutatingWebhookConfiguration', 'unlabelled', {}));
    ctx.k.put(webhookConfig('ValidatingWebhookConfiguration', 'label-false', { [LABEL]: 'false' }));
    ctx.k.put(apiService('v1.example.org', { [API_LABEL]: 'true' }));
    const n = await notifierFor({ webhook_label: LABEL, api_service_label: API_LABEL, kube_config_file_path: ctx.k.kubeconfigPath }, identity, ctx.made);
    host.bundle = bundleOf(1, 2);
    await n.notifyAndAdviseBundleLoaded(host.bundle);
    assert.deepEqual(caBundlesOf('MutatingWebhookConfiguration', 'mut'), [[1, 2], [1, 2]]);
    assert.deepEqual(caBundlesOf('ValidatingWebhookConfiguration', 'val'), [[1, 2], [1, 2]]);
    assert.deepEqual(caBundlesOf('MutatingWebhookConfiguration', 'unlabelled'), [[], []]);
    assert.deepEqual(caBundlesOf('ValidatingWebhookConfiguration', 'label-false'), [[], []]);
    assert.deepEqual(apiCaBundle('v1.example.org'), [1, 2]);
    const api = ctx.k.get('apiregistration.k8s.io/v1', 'APIService', undefined, 'v1.example.org') as { spec: Record<string, unknown> };
    assert.deepEqual([api.spec.groupPriorityMinimum, api.spec.versionPriority, api.spec.group], [1000, 15, 'example.org']);
    assert.deepEqual(hooksOf('MutatingWebhookConfiguration', 'mut').map((w) => w.name), ['a.mut.example.org', 'b.mut.example.org']);

    // An object already up to date is not patched again.
    const before = ctx.k.requests.length;
    await n.notifyBundleUpdated(host.bundle);
    const patched = ctx.k.requests.slice(before).filter((r) => r.method === 'PATCH').map((r) => r.path);
    assert.deepEqual(patched, ['/api/v1/namespaces/spire/configmaps/spire-bundle']);

    // BundleUpdated with a new bundle reaches them all.
    host.bundle = bundleOf(3);
    await n.notifyBundleUpdated(host.bundle);
    assert.deepEqual(caBundlesOf('ValidatingWebhookConfiguration', 'val'), [[3], [3]]);
    assert.deepEqual(apiCaBundle('v1.example.org'), [3]);
  });

  it('a webhook or APIService created (or labelled) after start gets the current bundle', async () => {
    host.bundle = bundleOf(3);
    ctx.k.put(webhookConfig('MutatingWebhookConfiguration', 'late', { [LABEL]: 'true' }));
    await eventually('the late mutating webhook caBundle', () => caBundlesOf('MutatingWebhookConfiguration', 'late').every((b) => b.join() === '3'));
    ctx.k.put(webhookConfig('ValidatingWebhookConfiguration', 'late-v', { [LABEL]: 'true' }));
    await eventually('the late validating webhook caBundle', () => caBundlesOf('ValidatingWebhookConfiguration', 'late-v').every((b) => b.join() === '3'));
    ctx.k.put(apiService('v2.example.org', {}));
    ctx.k.put(apiService('v2.example.org', { [API_LABEL]: 'true' }));
    await eventually('the relabelled APIService caBundle', () => apiCaBundle('v2.example.org').join() === '3');
    // A caBundle someone resets is written again.
    const reset = webhookConfig('MutatingWebhookConfiguration', 'late', { [LABEL]: 'true' });
    ctx.k.put(reset);
    await eventually('the reset caBundle', () => caBundlesOf('MutatingWebhookConfiguration', 'late').every((b) => b.join() === '3'));
  });

  it('watches stop when the notifier is closed', async () => {
    const n = ctx.made.pop()!;
    await n.close?.();
    ctx.k.put(webhookConfig('MutatingWebhookConfiguration', 'after-close', { [LABEL]: 'true' }));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(caBundlesOf('MutatingWebhookConfiguration', 'after-close'), [[], []]);
  });

  it('labelled kinds that cannot be listed at start fail creation', async () => {
    await assert.rejects(notifierFor({ webhook_label: LABEL, kube_config_file_path: ctx.k.writeKubeconfig({ token: 'refused' }) }), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.equal(e.message, 'unable to start informers: Unauthorized');
      return true;
    });
  });
});
