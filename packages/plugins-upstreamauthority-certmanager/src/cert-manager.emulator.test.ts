import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, silentLogger, SpireError, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { KubeEmulator } from '@spire-ts/emulator-k8s';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { CertManagerUpstreamAuthority, certificateRequestsFor, certManagerUpstreamAuthority, parseCertManagerConfig, TRUST_DOMAIN_LABEL } from './index.js';
import { core, first, opensslMaterial, TD } from './test-support.js';

let k: KubeEmulator;
before(async () => {
  k = await KubeEmulator.start();
});
after(async () => {
  await k.close();
});

const { csr } = opensslMaterial();
const requests = (ns = 'sandbox') => k.list('cert-manager.io/v1', 'CertificateRequest', ns);

function config(over: Record<string, unknown> = {}) {
  const parsed = parseCertManagerConfig({ issuer_name: 'spire-ca', namespace: 'sandbox', kube_config_file: k.kubeconfigPath, ...over }, core);
  assert.deepEqual(parsed.problems, []);
  return parsed.config!;
}

/** Made through the descriptor, as the server makes it (SPIRE's 250 ms x 300 polling). */
async function viaDescriptor(over: Record<string, unknown> = {}): Promise<UpstreamAuthority> {
  return certManagerUpstreamAuthority.create({ config: config(over), log: silentLogger(), ...core, host: {} });
}

/** With a short poll, for the cases that wait. */
function withShortPoll(): UpstreamAuthority {
  const c = config();
  return new CertManagerUpstreamAuthority(c, certificateRequestsFor(c), silentLogger(), { intervalMs: 20, attempts: 10 });
}

const mint = (ua: UpstreamAuthority, csrDer = csr, ttl = 7200) => first(ua.mintX509CAAndSubscribe({ csr: csrDer, preferredTtlSeconds: ttl }));


function opensslVerify(roots: Uint8Array[], leaf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-verify-'));
  const pem = (d: Uint8Array) => new X509Certificate(d).toString();
  try {
    writeFileSync(join(dir, 'roots.pem'), roots.map(pem).join(''));
    writeFileSync(join(dir, 'leaf.pem'), pem(leaf));
    return execFileSync('openssl', ['verify', '-CAfile', join(dir, 'roots.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('cert-manager UpstreamAuthority against the Kubernetes emulator', () => {
  it('signed: the chain verifies against the returned roots with openssl, and the request is deleted', async () => {
    k.certManager.mode = 'sign';
    const before = k.requests.length;
    const start = Date.now();
    const res = await mint(await viaDescriptor());
    assert.equal(opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!).endsWith(': OK'), true);
    const ca = new X509Certificate(res.x509CaChain[0]!);
    assert.equal(ca.ca, true);
    assert.equal(ca.subjectAltName, `URI:spiffe://${TD}`);
    const ttl = new Date(ca.validTo).getTime() - start;
    assert.ok(ttl > 7100_000 && ttl <= 7202_000, `lifetime follows the preferred TTL (${ttl} ms)`);
    assert.equal(new X509Certificate(res.upstreamX509Roots[0]!.asn1).toString(), new X509Certificate(k.certManager.caPem).toString());
    assert.deepEqual(requests(), [], 'the finished request was cleaned up');
    const calls = k.requests.slice(before).map((r) => `${r.method} ${r.path}${r.query.labelSelector ? `?labelSelector=${r.query.labelSelector}` : ''}`);
    assert.equal(calls[0], 'POST /apis/cert-manager.io/v1/namespaces/sandbox/certificaterequests');
    assert.ok(calls.includes(`GET /apis/cert-manager.io/v1/namespaces/sandbox/certificaterequests?labelSelector=${TRUST_DOMAIN_LABEL}=${TD}`));
    assert.match(calls.at(-1)!, /^DELETE \/apis\/cert-manager.io\/v1\/namespaces\/sandbox\/certificaterequests\/spiffe-ca-/);
  });

  it('served as an external plugin (plugin_cmd): the same signed chain and roots', async () => {
    k.certManager.mode = 'sign';
    const started = await startDescriptorForTest<UpstreamAuthority>('external', import.meta.resolve('./index.js'), 'certManagerUpstreamAuthority', {
      data: { issuer_name: 'spire-ca', namespace: 'external', kube_config_file: k.kubeconfigPath },
    });
    try {
      const res = await mint(started.plugin);
      assert.equal(opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!).endsWith(': OK'), true);
      assert.deepEqual(requests('external'), []);
    } finally {
      await started.close();
    }
  });

  it('denied: PERMISSION_DENIED, and the request is deleted', async () => {
    k.certManager.mode = 'deny';
    await rejectsWith(mint(await viaDescriptor()), Code.PERMISSION_DENIED, 'request has been denied');
    assert.deepEqual(requests(), []);
  });

  it('failed: INTERNAL, and the request is deleted', async () => {
    k.certManager.mode = 'fail';
    await rejectsWith(mint(await viaDescriptor()), Code.INTERNAL, 'request has failed');
    assert.deepEqual(requests(), []);
  });

  it('never signed: a bounded wait, a clear error, the pending request left for the issuer', async () => {
    k.certManager.mode = 'never';
    const start = Date.now();
    await rejectsWith(mint(withShortPoll()), Code.INTERNAL, 'request did not become ready in time');
    assert.ok(Date.now() - start < 5000);
    const pending = requests();
    assert.equal(pending.length, 1);
    assert.equal((pending[0] as { metadata: { labels: Record<string, string> } }).metadata.labels[TRUST_DOMAIN_LABEL], TD);
    // The next successful mint cleans up only finished requests: the pending one stays.
    k.certManager.mode = 'sign';
    await mint(await viaDescriptor());
    assert.equal(requests().length, 1);
  });

  it('a CSR whose signature does not verify is failed by the issuer', async () => {
    k.certManager.mode = 'sign';
    const bad = Uint8Array.from(csr);
    bad[bad.length - 3]! ^= 1;
    await rejectsWith(mint(await viaDescriptor({ namespace: 'tampered' }), bad), Code.INTERNAL, 'request has failed');
    assert.deepEqual(requests('tampered'), []);
  });

  it('the request names the configured issuer', async () => {
    k.certManager.mode = 'never';
    await assert.rejects(mint(new CertManagerUpstreamAuthority(config({ namespace: 'issuer-ref', issuer_kind: 'ClusterIssuer', issuer_group: 'example.io' }), certificateRequestsFor(config({ namespace: 'issuer-ref' })), silentLogger(), { intervalMs: 5, attempts: 1 })));
    const cr = requests('issuer-ref')[0] as { spec: Record<string, unknown> };
    assert.deepEqual(cr.spec.issuerRef, { name: 'spire-ca', kind: 'ClusterIssuer', group: 'example.io' });
    assert.deepEqual([cr.spec.duration, cr.spec.isCA, cr.spec.usages], ['2h0m0s', true, ['cert sign', 'crl sign']]);
  });

  it('a malformed API answer is INTERNAL, not a crash', async () => {
    k.certManager.mode = 'sign';
    const ua = await viaDescriptor({ namespace: 'garbled' });
    k.setMalformed(true);
    try {
      await assert.rejects(mint(ua), (e: unknown) => {
        assert.ok(e instanceof SpireError);
        assert.equal(e.code, Code.INTERNAL);
        assert.match(e.message, /^failed to create object: /);
        return true;
      });
    } finally {
      k.setMalformed(false);
    }
  });

  it('credentials the API refuses: INTERNAL naming the create', async () => {
    await rejectsWith(mint(await viaDescriptor({ kube_config_file: k.writeKubeconfig({ token: 'refused' }) })), Code.INTERNAL, 'failed to create object: Unauthorized');
  });

  it('a kubeconfig that cannot be read fails creation', async () => {
    await assert.rejects(viaDescriptor({ kube_config_file: '/nonexistent/kubeconfig' }), (e: unknown) => {
      assert.ok(e instanceof SpireError);
      assert.equal(e.code, Code.INTERNAL);
      assert.match(e.message, /^failed to create cert-manager client: .*ENOENT/);
      return true;
    });
  });
});
