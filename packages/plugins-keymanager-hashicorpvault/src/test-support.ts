/** Test support (not shipped behaviour): the key manager over the Vault fixture, and the contract harness. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type KeyManager, type Logger } from '@spire-ts/core/plugin';
import { startVaultFixture, type AuthBlock, type VaultFixture } from '@spire-ts/emulator-vault';
import { orCleanUp, startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { parseHashicorpVaultConfig } from './config.js';
import { HashicorpVaultKeyManager } from './hashicorp-vault-key-manager.js';

/** A configured key manager over the fixture (no environment); throws on config problems. */
export async function startKeyManager(fx: VaultFixture, method: AuthBlock = 'approle_auth', extra: Record<string, unknown> = {}, o: { log?: Logger } = {}): Promise<HashicorpVaultKeyManager> {
  const parsed = parseHashicorpVaultConfig(fx.pluginData(method, { key_identifier_value: 'server-a', ...extra }), {});
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  const km = new HashicorpVaultKeyManager({ log: o.log ?? silentLogger() });
  try {
    await km.configure(parsed.config);
  } catch (e) {
    await km.close();
    throw e;
  }
  return km;
}

/** The KeyManager contract harness: a fresh emulator, the plugin in process or external, a key identifier file. */
export function contractSetup(servedAs: ServedAs, method: AuthBlock): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const fx = await startVaultFixture();
    const dir = await mkdtemp(join(tmpdir(), 'km-vault-contract-'));
    const data = fx.pluginData(method, { key_identifier_file: join(dir, 'server-id') });
    const cleanUp = async () => {
      await fx.close();
      await rm(dir, { recursive: true, force: true });
    };
    const started = await orCleanUp(() => startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'hashicorpVaultKeyManager', { data }), cleanUp);
    return {
      km: started.plugin,
      close: async () => {
        await started.close();
        await cleanUp();
      },
    };
  };
}
