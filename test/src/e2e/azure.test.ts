import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzureEmulator } from '@spire-ts/emulator-azure';
import { TEST_CA_CERT_PATH } from '@spire-ts/emulator-kit';
import { ServerProcess } from './harness.js';

const TENANT = '7a8b9c0d-1111-2222-3333-444455556666';
const APP = { id: 'spire-server-app', secret: 'app-s3cret' };
const ACCOUNT = '127'; // with service_endpoint "0.0.1:<port>/127", SPIRE's https://<account>.<endpoint> is the emulator
const CONTAINER = 'spire-bundle';

const until = async (what: string, cond: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('KeyManager azure_key_vault and BundlePublisher azure_blob in a real spire-server run, on the Azure emulator', { timeout: 240_000 }, () => {
  let az: AzureEmulator;
  const server = new ServerProcess();
  const out = mkdtempSync(join(tmpdir(), 'azure-e2e-'));
  let env: Record<string, string>;
  let caFingerprint = '';

  const keyManager = () => `KeyManager "azure_key_vault" {
    plugin_data {
      key_vault_uri = "${az.keyVault.vaultUrl}"
      key_identifier_file = "./azure_key_vault_server_id"
      tenant_id = "${TENANT}"
      subscription_id = "c0ffee00-0000-4000-8000-000000000001"
      app_id = "${APP.id}"
      app_secret = "${APP.secret}"
    }
  }`;
  const publisher = (format: string, blob: string) => `BundlePublisher "azure_blob" {
    plugin_data {
      storage_account_name = "${ACCOUNT}"
      storage_account_key = "${az.blob.accounts.get(ACCOUNT)!.key}"
      service_endpoint = "${az.blob.serviceEndpoint(ACCOUNT)}"
      container_name = "${CONTAINER}"
      blob_name = "${blob}"
      format = "${format}"
    }
  }`;

  before(async () => {
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, APP.id, APP.secret);
    az.keyVault.tenantId = TENANT;
    az.blob.addAccount(ACCOUNT, [CONTAINER]);
    env = { ...az.env(), NODE_EXTRA_CA_CERTS: TEST_CA_CERT_PATH };
  });
  after(async () => {
    await server.stop();
    await az.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** Runs the server with the publisher in `format` and returns the blob it put. */
  async function run(format: string, blob: string): Promise<string> {
    await server.start({ env, keyManager: keyManager(), extraPlugins: publisher(format, blob) });
    caFingerprint = new X509Certificate(await server.bundlePem()).fingerprint256;
    await until(`the ${format} blob`, () => az.blob.read(ACCOUNT, CONTAINER, blob) !== undefined, 40_000);
    return az.blob.read(ACCOUNT, CONTAINER, blob)!;
  }

  it('the CA key lives in Key Vault: one vault Sign per minted SVID, openssl verifies it; the spiffe bundle reaches the blob', async () => {
    const doc = JSON.parse(await run('spiffe', 'bundle.spiffe')) as { keys: { use: string; x5c?: string[] }[] };
    assert.ok(az.keyVault.keys.size >= 2, 'the X.509 CA and JWT keys were created in the vault');
    const signs = az.calls('keyvault.sign').length;
    await server.cliAsync('x509', 'mint', '-spiffeID', 'spiffe://example.org/workload', '-write', out);
    assert.equal(az.calls('keyvault.sign').length - signs, 1);
    execFileSync('openssl', ['verify', '-CAfile', join(out, 'bundle.pem'), join(out, 'svid.pem')]);
    const x509 = doc.keys.filter((k) => k.use === 'x509-svid');
    assert.equal(new X509Certificate(Buffer.from(x509[0]!.x5c![0]!, 'base64')).fingerprint256, caFingerprint);
    assert.ok(doc.keys.some((k) => k.use === 'jwt-svid'));
  });

  it('after a restart the vault keys are found again (no new key), and the jwks and pem formats reach their blobs', async () => {
    const keys = [...az.keyVault.keys.keys()].sort();
    const created = az.calls('keyvault.create').length;
    await server.stop({ keepDir: true });
    const jwks = JSON.parse(await run('jwks', 'bundle.jwks')) as { keys: { use?: string; x5c?: string[] }[] };
    assert.equal(az.calls('keyvault.create').length, created, 'no key created on restart');
    assert.deepEqual([...az.keyVault.keys.keys()].sort(), keys);
    assert.ok(jwks.keys.every((k) => k.use === undefined));
    assert.equal(new X509Certificate(Buffer.from(jwks.keys.find((k) => k.x5c)!.x5c![0]!, 'base64')).fingerprint256, caFingerprint);
    await server.stop({ keepDir: true });
    const pem = await run('pem', 'bundle.pem');
    assert.equal(new X509Certificate(pem).fingerprint256, caFingerprint);
  });
});
