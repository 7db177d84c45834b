import { defineKeyManager } from '@spire-ts/core/plugin';
import { parseGcpKmsConfig, type GcpKmsConfig } from './config.js';
import { GcpKmsKeyManager } from './gcp-kms-key-manager.js';

export { GcpKmsKeyManager, PERIODS, KMS_TIMEOUT_MS, type GcpKmsKeyManagerDeps } from './gcp-kms-key-manager.js';
export { parseGcpKmsConfig, MAX_KEY_IDENTIFIER_LENGTH, type GcpKmsConfig } from './config.js';
export { GcpKmsErrors } from './errors.js';
export { KeyNaming, LABEL, ALGORITHM_OF, CRYPTO_KEY_PREFIX } from './naming.js';
export { sdkKmsApi, type KmsApi, type CryptoKeyView, type VersionView, type IamPolicy } from './kms-api.js';

/** The descriptor of KeyManager "gcp_kms". */
export const gcpKmsKeyManager = defineKeyManager<GcpKmsConfig>({
  name: 'gcp_kms',
  parseConfig: (raw) => parseGcpKmsConfig(raw),
  create: async ({ config, log, trustDomain }) => {
    const km = new GcpKmsKeyManager({ log, trustDomain: trustDomain.name });
    try {
      await km.configure(config);
    } catch (e) {
      await km.close();
      throw e;
    }
    return km;
  },
});
