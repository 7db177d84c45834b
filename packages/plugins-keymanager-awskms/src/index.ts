import { defineKeyManager } from '@spire-ts/core/plugin';
import { AwsKmsKeyManager } from './aws-kms-key-manager.js';
import { parseAwsKmsConfig, type AwsKmsConfig } from './config.js';

export { AwsKmsKeyManager, type AwsKmsKeyManagerDeps } from './aws-kms-key-manager.js';
export { parseAwsKmsConfig, keyTagsProblem, type AwsKmsConfig } from './config.js';
export { AwsKmsErrors } from './errors.js';
export { KeyNaming, TAG, encodeKeyId, decodeKeyId, sanitizeTrustDomain } from './naming.js';

/** The descriptor of KeyManager "aws_kms". */
export const awsKmsKeyManager = defineKeyManager<AwsKmsConfig>({
  name: 'aws_kms',
  parseConfig: (raw) => parseAwsKmsConfig(raw),
  create: async ({ config, log, trustDomain }) => {
    const km = new AwsKmsKeyManager({ log, trustDomain: trustDomain.name });
    try {
      await km.configure(config);
    } catch (e) {
      await km.close();
      throw e;
    }
    return km;
  },
});
