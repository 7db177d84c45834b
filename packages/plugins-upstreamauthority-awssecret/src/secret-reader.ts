import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from '@spire-ts/plugin-aws';
import type { AwsSecretConfig } from './config.js';

/** Why a secret could not be used as text. */
export class SecretNotStringError extends Error {
  constructor() {
    // SPIRE's wording: only SecretString is read; a binary secret has none.
    super('response or SecretString is nil');
  }
}

/** Reads secret strings; the narrow view of Secrets Manager this plugin needs. */
export interface SecretReader {
  /**
   * The SecretString of the secret `arn` (an ARN or a name). Throws the SDK's error, or
   * {@link SecretNotStringError} when the secret has no string value.
   */
  readString(arn: string): Promise<string>;
  /** Releases the client's sockets. Safe to call twice. */
  close(): void;
}

/** Bounds each Secrets Manager request and connection attempt. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A {@link SecretReader} over the AWS SDK v3 Secrets Manager client, connected as SPIRE's
 * awssecret: the configured region; static keys (with `secret_token`, else AWS_SESSION_TOKEN)
 * only when both are set, else the default chain; `assume_role_arn` assumed through STS; the
 * endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL when set.
 */
export function secretsManagerReader(c: AwsSecretConfig, env: NodeJS.ProcessEnv = process.env): SecretReader {
  const client = new SecretsManagerClient(
    awsClientConfig(
      'Secrets Manager',
      {
        region: c.region,
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.secretToken || env.AWS_SESSION_TOKEN || '',
        assumeRoleArn: c.assumeRoleArn,
      },
      { timeoutMs: REQUEST_TIMEOUT_MS },
    ),
  );
  return {
    readString: async (arn) => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      if (out.SecretString === undefined) throw new SecretNotStringError();
      return out.SecretString;
    },
    close: () => client.destroy(),
  };
}
