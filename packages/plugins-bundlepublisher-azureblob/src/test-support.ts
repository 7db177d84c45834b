/**
 * Test support for azure_blob (not shipped behaviour): the Azure emulator with a storage account
 * and a registered application, plugin_data that points SPIRE's account URL at it, and reading
 * published blobs back.
 *
 * For a real `spire-server run`: start the server with
 * `NODE_EXTRA_CA_CERTS=packages/emulator-kit/tls/test-ca.pem` (and `AZURE_AUTHORITY_HOST=<az.url>`
 * when using tenant_id/app_id/app_secret), give the plugin {@link blobPluginData}, and read the
 * blob with `az.blob.read(LOOPBACK_ACCOUNT, container, blob)`.
 */
import { silentLogger, TrustDomain, type BundlePublisher } from '@spire-ts/core/plugin';
import { AzureEmulator, LOOPBACK_ACCOUNT } from '@spire-ts/emulator-azure';
import { AzureBlobPublisher } from './azure-blob-publisher.js';
import { makeBlobUploader } from './blob-upload.js';
import { parseAzureBlobConfig } from './config.js';
import { azureBlobBundlePublisher } from './index.js';

/** The container the emulated account has, and the application the emulator knows. */
export const TEST_CONTAINER = 'spire-bundle';
export const TEST_APP = { tenantId: '7a8b9c0d-1111-2222-3333-444455556666', appId: 'bundle-app', appSecret: 'app-s3cret' } as const;

/**
 * Starts the emulator with the storage account {@link LOOPBACK_ACCOUNT} holding
 * {@link TEST_CONTAINER}, registers {@link TEST_APP}, and points @azure/identity at it.
 */
export async function startBlobEmulator(): Promise<AzureEmulator> {
  const az = await AzureEmulator.start();
  az.blob.addAccount(LOOPBACK_ACCOUNT, [TEST_CONTAINER]);
  az.entra.registerApp(TEST_APP.tenantId, TEST_APP.appId, TEST_APP.appSecret);
  Object.assign(process.env, az.env());
  return az;
}

/**
 * plugin_data for the emulated account with its Shared Key: `storage_account_name = "127"` and
 * `service_endpoint = "0.0.1:<port>/127"` make SPIRE's `https://<name>.<endpoint>` the
 * emulator's `https://127.0.0.1:<port>/127`.
 */
export function blobPluginData(az: AzureEmulator, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    storage_account_name: LOOPBACK_ACCOUNT,
    storage_account_key: az.blob.accounts.get(LOOPBACK_ACCOUNT)!.key,
    service_endpoint: az.blob.serviceEndpoint(LOOPBACK_ACCOUNT),
    container_name: TEST_CONTAINER,
    blob_name: 'bundle.json',
    format: 'spiffe',
    ...over,
  };
}

/** A published blob's text, or undefined. */
export function readBlob(az: AzureEmulator, blob: string, container = TEST_CONTAINER): string | undefined {
  return az.blob.read(LOOPBACK_ACCOUNT, container, blob);
}

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

/** The publisher made through its descriptor, as the server makes it; throws on config problems. */
export async function publisherFor(raw: Record<string, unknown>): Promise<BundlePublisher> {
  const parsed = azureBlobBundlePublisher.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return azureBlobBundlePublisher.create({ config: parsed.config, log: silentLogger(), ...core, host: {} });
}

/** A publisher whose uploads time out after `timeoutMs`. */
export function publisherWithTimeout(raw: Record<string, unknown>, timeoutMs: number): AzureBlobPublisher {
  const parsed = parseAzureBlobConfig(raw);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return new AzureBlobPublisher(parsed.config, makeBlobUploader(parsed.config, timeoutMs), silentLogger());
}
