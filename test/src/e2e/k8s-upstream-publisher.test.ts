import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { ServerProcess } from './harness.js';

const until = async (what: string, cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('UpstreamAuthority cert-manager and BundlePublisher k8s_configmap in a real spire-server run', { timeout: 180_000 }, () => {
  let k: KubeEmulator;
  const server = new ServerProcess();
  const published = () => (k.get('v1', 'ConfigMap', 'spire', 'example.org') as { data?: Record<string, string> } | undefined)?.data?.bundle;

  before(async () => {
    k = await KubeEmulator.start();
    await server.start({
      extraPlugins: `UpstreamAuthority "cert-manager" {
    plugin_data {
      issuer_name = "spire-ca"
      namespace = "sandbox"
      kube_config_file = "${k.kubeconfigPath}"
    }
  }
  BundlePublisher "k8s_configmap" {
    plugin_data {
      clusters = {
        "emulated" = {
          configmap_name = "example.org"
          configmap_key = "bundle"
          namespace = "spire"
          kubeconfig_path = "${k.kubeconfigPath}"
          format = "spiffe"
          refresh_hint = "5m"
        }
      }
    }
  }`,
    });
  });

  after(async () => {
    await server.stop();
    await k.close();
  });

  it('the server CA is signed through a CertificateRequest: the trust bundle is the issuer root', async () => {
    const roots = [...(await server.bundlePem()).matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);
    assert.deepEqual(roots, [new X509Certificate(k.certManager.caPem).fingerprint256]);
    const created = k.requests.filter((r) => r.method === 'POST' && r.path === '/apis/cert-manager.io/v1/namespaces/sandbox/certificaterequests');
    assert.equal(created.length, 1);
    assert.deepEqual(k.list('cert-manager.io/v1', 'CertificateRequest', 'sandbox'), [], 'the finished request was cleaned up');
  });

  it('the bundle is applied to the ConfigMap in spiffe format with the refresh hint', async () => {
    await until('the published bundle', () => published() !== undefined, 40_000);
    const doc = JSON.parse(published()!) as { keys: { use: string; x5c?: string[] }[]; spiffe_refresh_hint: number; spiffe_sequence: number };
    const x509 = doc.keys.filter((key) => key.use === 'x509-svid');
    assert.equal(x509.length, 1);
    assert.equal(new X509Certificate(Buffer.from(x509[0]!.x5c![0]!, 'base64')).fingerprint256, new X509Certificate(k.certManager.caPem).fingerprint256);
    assert.ok(doc.keys.some((key) => key.use === 'jwt-svid'), 'JWT authorities are published too');
    assert.equal(doc.spiffe_refresh_hint, 300);
    const apply = k.requests.find((r) => r.method === 'PATCH' && r.path === '/api/v1/namespaces/spire/configmaps/example.org');
    assert.equal(apply?.contentType, 'application/apply-patch+yaml');
    assert.equal(apply?.query.fieldManager, 'spire-bundlepublisher-k8s_configmap');
  });
});
