import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureEmulator, LOOPBACK_ACCOUNT } from '@spire-ts/emulator-azure';
import { TEST_CA_CERT_PATH } from '@spire-ts/emulator-kit';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { ServerProcess } from './harness.js';

const fingerprints = (pem: string) => [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);

const until = async (what: string, cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('KeyManager gcp_kms, UpstreamAuthority gcp_cas, Notifier gcs_bundle and BundlePublishers gcp_cloudstorage and azure_blob in a real spire-server run, on the GCP and Azure emulators', { timeout: 240_000 }, () => {
  let gcp: GcpEmulator;
  let az: AzureEmulator;
  let rootPem = '';
  const server = new ServerProcess();
  const out = mkdtempSync(join(tmpdir(), 'gcp-e2e-'));

  const plugins = (format: string, object: string) => `UpstreamAuthority "gcp_cas" {
    plugin_data {
      root_cert_spec {
        project_name = "test-project"
        region_name = "us-central1"
        ca_pool = "spire"
        label_key = "spire-upstream"
        label_value = "e2e"
      }
    }
  }
  Notifier "gcs_bundle" {
    plugin_data {
      bucket = "spire-bundle"
      object_path = "notifier/bundle.pem"
    }
  }
  BundlePublisher "gcp_cloudstorage" {
    plugin_data {
      bucket_name = "spire-bundle"
      object_name = "${object}"
      format = "${format}"
    }
  }
  BundlePublisher "azure_blob" {
    plugin_data {
      storage_account_name = "${LOOPBACK_ACCOUNT}"
      storage_account_key = "${az.blob.accounts.get(LOOPBACK_ACCOUNT)!.key}"
      service_endpoint = "${az.blob.serviceEndpoint(LOOPBACK_ACCOUNT)}"
      container_name = "spire-bundle"
      blob_name = "${object}"
      format = "${format}"
    }
  }`;

  before(async () => {
    gcp = await GcpEmulator.start();
    const root = await gcp.privateca.createCertificateAuthority({ pool: 'spire', id: 'root' });
    await gcp.privateca.createCertificateAuthority({ pool: 'spire', id: 'sub', issuer: root.name, labels: { 'spire-upstream': 'e2e' } });
    rootPem = root.signer.certPem;
    gcp.storage.createBucket('spire-bundle');
    gcp.kms.createKeyRing('test-project', 'global', 'spire');
    az = await AzureEmulator.start();
    az.blob.addAccount(LOOPBACK_ACCOUNT, ['spire-bundle']);
  });
  after(async () => {
    await server.stop();
    await gcp.close();
    await az.close();
    rmSync(out, { recursive: true, force: true });
  });

  async function run(format: string, object: string): Promise<string> {
    await server.start({
      env: { ...gcp.env(), SPIRE_TEST_GCP_ENDPOINT: gcp.url, STORAGE_EMULATOR_HOST: gcp.url, NODE_EXTRA_CA_CERTS: TEST_CA_CERT_PATH },
      keyManager: `KeyManager "gcp_kms" {
    plugin_data {
      key_ring = "projects/test-project/locations/global/keyRings/spire"
      key_identifier_file = "./gcp_kms_server_id"
    }
  }`,
      extraPlugins: plugins(format, object),
    });
    await until(`the ${format} object and blob`, () => gcp.storage.read('spire-bundle', object) !== undefined && az.blob.read(LOOPBACK_ACCOUNT, 'spire-bundle', object) !== undefined, 40_000);
    const text = gcp.storage.read('spire-bundle', object)!;
    assert.equal(az.blob.read(LOOPBACK_ACCOUNT, 'spire-bundle', object), text, 'the Blob holds the same bundle as the GCS object');
    return text;
  }

  it('gcp_cas: the server CA is issued by the labelled CA; minted SVIDs chain to the CA Service root under openssl; gcs_bundle writes the PEM bundle', async () => {
    const doc = JSON.parse(await run('spiffe', 'bundle.spiffe')) as { keys: { use: string; x5c?: string[] }[] };
    assert.deepEqual(fingerprints(await server.bundlePem()), fingerprints(rootPem), 'the trust bundle is the CA Service root');
    assert.equal(gcp.calls('privateca.certificates.create').length >= 1, true);
    const signs = gcp.calls('kms.asymmetricSign').length;
    await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
    assert.equal(gcp.calls('kms.asymmetricSign').length - signs, 1, 'the server CA key is in Cloud KMS: one sign per SVID');
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), '-untrusted', join(out, 'svid.pem'), join(out, 'svid.pem')]);
    assert.equal(fingerprints(readFileSync(join(out, 'svid.pem'), 'utf8')).length, 3, 'leaf, server CA, CA Service subordinate');
    assert.deepEqual(fingerprints(gcp.storage.read('spire-bundle', 'notifier/bundle.pem') ?? ''), fingerprints(rootPem));
    const x509 = doc.keys.filter((k) => k.use === 'x509-svid');
    assert.deepEqual(x509.map((k) => new X509Certificate(Buffer.from(k.x5c![0]!, 'base64')).fingerprint256), fingerprints(rootPem));
  });

  it('gcp_cloudstorage and azure_blob: the jwks and pem formats reach the object and the blob; after restarts gcp_kms finds its keys again', async () => {
    await server.stop({ keepDir: true });
    const created = gcp.calls('kms.createCryptoKey').length;
    const jwks = JSON.parse(await run('jwks', 'bundle.jwks')) as { keys: { use?: string; x5c?: string[] }[] };
    assert.ok(jwks.keys.every((k) => k.use === undefined));
    assert.ok(jwks.keys.some((k) => k.x5c));
    await server.stop({ keepDir: true });
    assert.deepEqual(fingerprints(await run('pem', 'bundle.pem')), fingerprints(rootPem));
    assert.equal(gcp.calls('kms.createCryptoKey').length, created, 'no CryptoKey created on restart');
  });
});
