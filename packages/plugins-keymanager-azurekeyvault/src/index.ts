import { defineKeyManager } from '@spire-ts/core/plugin';
import { AzureKeyVaultKeyManager } from './azure-key-vault-key-manager.js';
import { parseAzureKeyVaultConfig, type AzureKeyVaultConfig } from './config.js';

export { AzureKeyVaultKeyManager, DEFAULT_CALL_TIMEOUT_MS, type AzureKeyVaultKeyManagerDeps } from './azure-key-vault-key-manager.js';
export { parseAzureKeyVaultConfig, type AzureKeyVaultConfig } from './config.js';
export { AzureKeyVaultErrors } from './errors.js';
export { TAG, KEY_NAME_PREFIX, newKeyName, spireKeyIdFromKeyName } from './naming.js';
export { isLoopbackVault, makeVaultClient, type VaultClient } from './vault-client.js';

/** The descriptor of KeyManager "azure_key_vault". */
export const azureKeyVaultKeyManager = defineKeyManager<AzureKeyVaultConfig>({
  name: 'azure_key_vault',
  parseConfig: (raw) => parseAzureKeyVaultConfig(raw),
  create: async ({ config, log, trustDomain }) => {
    const km = new AzureKeyVaultKeyManager({ log, trustDomain: trustDomain.name });
    try {
      await km.configure(config);
    } catch (e) {
      await km.close();
      throw e;
    }
    return km;
  },
});
