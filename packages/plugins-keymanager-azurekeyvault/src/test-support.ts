/**
 * Test support for azure_key_vault (not shipped behaviour): the Azure emulator with a registered
 * application, plugin_data for it, a started key manager, and the KeyManager contract harness.
 *
 * For a real `spire-server run` against the emulator: start the server with
 * `NODE_EXTRA_CA_CERTS=packages/emulator-kit/tls/test-ca.pem` and `AZURE_AUTHORITY_HOST=<az.url>`
 * (`az.env()`), and give the plugin {@link vaultPluginData}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type KeyManager, type Logger } from '@spire-ts/core/plugin';
import { AzureEmulator } from '@spire-ts/emulator-azure';
import { orCleanUp, startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { AzureKeyVaultKeyManager } from './azure-key-vault-key-manager.js';
import { parseAzureKeyVaultConfig } from './config.js';
import type { TaskClock } from '@spire-ts/core/plugin';

/** The application the emulator knows (tenant, subscription, client ID and secret). */
export const TEST_APP = {
  tenantId: '7a8b9c0d-1111-2222-3333-444455556666',
  subscriptionId: 'c0ffee00-0000-4000-8000-000000000001',
  appId: 'spire-server-app',
  appSecret: 'app-s3cret',
} as const;

/**
 * Starts the emulator, registers {@link TEST_APP}, makes its tenant the vault's, and points this
 * process's @azure/identity at it (AZURE_AUTHORITY_HOST).
 */
export async function startVaultEmulator(): Promise<AzureEmulator> {
  const az = await AzureEmulator.start();
  az.entra.registerApp(TEST_APP.tenantId, TEST_APP.appId, TEST_APP.appSecret);
  az.keyVault.tenantId = TEST_APP.tenantId;
  Object.assign(process.env, az.env());
  return az;
}

/** plugin_data for the emulated vault with the test application's client secret. */
export function vaultPluginData(az: AzureEmulator, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key_vault_uri: az.keyVault.vaultUrl,
    key_identifier_value: 'server-a',
    tenant_id: TEST_APP.tenantId,
    subscription_id: TEST_APP.subscriptionId,
    app_id: TEST_APP.appId,
    app_secret: TEST_APP.appSecret,
    ...over,
  };
}

/** A configured key manager over the emulator; throws on config problems. */
export async function startKeyManager(
  az: AzureEmulator,
  over: Record<string, unknown> = {},
  opts: { clock?: TaskClock; trustDomain?: string; log?: Logger; callTimeoutMs?: number } = {},
): Promise<AzureKeyVaultKeyManager> {
  const data = Object.fromEntries(Object.entries(vaultPluginData(az, over)).filter(([, v]) => v !== undefined));
  const parsed = parseAzureKeyVaultConfig(data);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  const km = new AzureKeyVaultKeyManager({
    log: opts.log ?? silentLogger(),
    trustDomain: opts.trustDomain ?? 'example.org',
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.callTimeoutMs ? { callTimeoutMs: opts.callTimeoutMs } : {}),
  });
  try {
    await km.configure(parsed.config);
  } catch (e) {
    await km.close();
    throw e;
  }
  return km;
}

/**
 * The KeyManager contract harness of azure_key_vault: a fresh emulator, the plugin made in
 * process or served externally through plugin_cmd, with a key identifier file in a temporary
 * directory.
 */
export function azureKeyVaultContractSetup(servedAs: ServedAs): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const az = await startVaultEmulator();
    const dir = await mkdtemp(join(tmpdir(), 'km-azurekv-contract-'));
    const data = { ...vaultPluginData(az, { key_identifier_file: join(dir, 'server-id') }) };
    delete data.key_identifier_value;
    const cleanUp = async () => {
      await az.close();
      await rm(dir, { recursive: true, force: true });
    };
    const started = await orCleanUp(() => startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'azureKeyVaultKeyManager', { data }), cleanUp);
    return {
      km: started.plugin,
      close: async () => {
        await started.close();
        await cleanUp();
      },
    };
  };
}
