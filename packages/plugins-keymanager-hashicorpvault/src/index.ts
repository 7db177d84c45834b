import { defineKeyManager } from '@spire-ts/core/plugin';
import { parseHashicorpVaultConfig, type HashicorpVaultConfig } from './config.js';
import { HashicorpVaultKeyManager } from './hashicorp-vault-key-manager.js';

export { HashicorpVaultKeyManager, type HashicorpVaultKeyManagerDeps } from './hashicorp-vault-key-manager.js';
export { parseHashicorpVaultConfig, type HashicorpVaultConfig } from './config.js';
export { HashicorpVaultErrors } from './errors.js';
export { keyEntryOf, newKeyName, spireKeyIdFromKeyName, TRANSIT_TYPE, type KeyEntry } from './key-entry.js';
export { transitSignRequest } from './sign-request.js';
export { TransitClient, type TransitKeyEntry, type TransitKeyType, type TransitHash, type TransitSignRequest } from './transit-client.js';

/** The descriptor of KeyManager "hashicorp_vault". */
export const hashicorpVaultKeyManager = defineKeyManager<HashicorpVaultConfig>({
  name: 'hashicorp_vault',
  parseConfig: (raw) => parseHashicorpVaultConfig(raw),
  create: async ({ config, log }) => {
    const km = new HashicorpVaultKeyManager({ log });
    try {
      await km.configure(config);
    } catch (e) {
      await km.close();
      throw e;
    }
    return km;
  },
});
