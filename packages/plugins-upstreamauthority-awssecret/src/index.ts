import { defineUpstreamAuthority } from '@spire-ts/core/plugin';
import { AwsSecretUpstreamAuthority } from './aws-secret-upstream-authority.js';
import { parseAwsSecretConfig, type AwsSecretConfig } from './config.js';
import { AwsSecretErrors } from './errors.js';
import { secretsManagerReader, type SecretReader } from './secret-reader.js';
import { loadUpstreamCAFromSecrets } from './upstream-ca.js';

export { AwsSecretUpstreamAuthority } from './aws-secret-upstream-authority.js';
export { parseAwsSecretConfig, type AwsSecretConfig } from './config.js';
export { AwsSecretErrors } from './errors.js';
export { secretsManagerReader, SecretNotStringError, type SecretReader } from './secret-reader.js';
export { loadUpstreamCAFromSecrets } from './upstream-ca.js';

/** The descriptor of UpstreamAuthority "awssecret". */
export const awsSecretUpstreamAuthority = defineUpstreamAuthority<AwsSecretConfig>({
  name: 'awssecret',
  parseConfig: (raw) => parseAwsSecretConfig(raw),
  create: async ({ config, trustDomain, log }) => {
    let reader: SecretReader;
    try {
      reader = secretsManagerReader(config);
    } catch (err) {
      throw AwsSecretErrors.createClient(err);
    }
    try {
      const cred = await loadUpstreamCAFromSecrets(config, reader);
      return new AwsSecretUpstreamAuthority(cred, trustDomain.idString());
    } catch (err) {
      log.error({ error: (err as Error).message }, 'Error loading files from AWS');
      throw err;
    } finally {
      reader.close();
    }
  },
});
