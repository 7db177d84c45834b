import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { ServerProcess } from './harness.js';

const LABEL = 'spiffe.io/webhook';

const until = async (what: string, cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Fingerprints of the certificates in PEM text, sorted. */
function fingerprints(pem: string | undefined): string[] {
  return [...(pem ?? '').matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256).sort();
}

function webhook(name: string): object {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels: { [LABEL]: 'true' } },
    webhooks: [{ name: `${name}.example.org`, admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { service: { name: 'hook', namespace: 'spire' } } }],
  };
}

describe('Notifier k8sbundle in a real spire-server run, against the Kubernetes emulator', { timeout: 180_000 }, () => {
  let k: KubeEmulator;
  const server = new ServerProcess();
  const configMapPem = () => (k.get('v1', 'ConfigMap', 'spire', 'spire-bundle') as { data?: Record<string, string> } | undefined)?.data?.['bundle.crt'];
  const caBundlePem = (name: string) => {
    const o = k.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', undefined, name) as { webhooks?: { clientConfig?: { caBundle?: string } }[] } | undefined;
    return Buffer.from(o?.webhooks?.[0]?.clientConfig?.caBundle ?? '', 'base64').toString('utf8');
  };
  const serverRoots = async () => fingerprints(await server.bundlePem());
  const authorityId = (state: 'Active' | 'Prepared' | 'Old') =>
    new RegExp(`^${state} X\\.509 authority:\\n {2}Authority ID: (\\S+)$`, 'm').exec(server.cli('localauthority', 'x509', 'show'))?.[1];

  before(async () => {
    k = await KubeEmulator.start();
    k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'spire-bundle', namespace: 'spire' } });
    k.put(webhook('before-start'));
    await server.start({
      extraPlugins: `Notifier "k8sbundle" {
    plugin_data {
      kube_config_file_path = "${k.kubeconfigPath}"
      webhook_label = "${LABEL}"
    }
  }`,
    });
  });

  after(async () => {
    await server.stop();
    await k.close();
  });

  it('at start (BundleLoaded) the ConfigMap and the labelled webhook hold the trust bundle', async () => {
    const roots = await serverRoots();
    assert.equal(roots.length, 1);
    assert.deepEqual(fingerprints(configMapPem()), roots);
    assert.deepEqual(fingerprints(caBundlePem('before-start')), roots);
  });

  it('a webhook created after start gets the caBundle', async () => {
    k.put(webhook('after-start'));
    const roots = await serverRoots();
    await until('the caBundle of the webhook created after start', () => fingerprints(caBundlePem('after-start')).join() === roots.join(), 10_000);
  });

  it('localauthority x509 prepare, then activate: the new CA lands in the ConfigMap and the webhooks', async () => {
    const active = authorityId('Active');
    server.cli('localauthority', 'x509', 'prepare');
    const prepared = authorityId('Prepared');
    assert.ok(active && prepared && active !== prepared);
    const grown = await serverRoots();
    assert.equal(grown.length, 2);
    await until('both authorities in the ConfigMap', () => fingerprints(configMapPem()).join() === grown.join(), 10_000);
    await until('both authorities in the webhook', () => fingerprints(caBundlePem('before-start')).join() === grown.join(), 10_000);
    server.cli('localauthority', 'x509', 'activate', '-authorityID', prepared);
    assert.equal(authorityId('Active'), prepared);
    // The old authority is then tainted and revoked: only the new CA is left everywhere.
    server.cli('localauthority', 'x509', 'taint', '-authorityID', active);
    server.cli('localauthority', 'x509', 'revoke', '-authorityID', active);
    const left = await serverRoots();
    assert.equal(left.length, 1);
    assert.notDeepEqual(left, fingerprints(configMapPem()).filter((f) => !grown.includes(f)));
    await until('only the new CA in the ConfigMap', () => fingerprints(configMapPem()).join() === left.join(), 10_000);
    await until('only the new CA in both webhooks', () => ['before-start', 'after-start'].every((n) => fingerprints(caBundlePem(n)).join() === left.join()), 10_000);
    assert.doesNotMatch(server.log(), /Notifier failed to handle event|Unable to set bundle for object/);
  });
});
