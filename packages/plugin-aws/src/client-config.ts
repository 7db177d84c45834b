/**
 * The settings every AWS plugin hands its SDK clients, read the way SPIRE's AWS plugins read
 * them: static keys only when both halves are set (otherwise the SDK's default chain: env,
 * shared config, web identity, instance role), an optional role to assume through STS, and the
 * endpoint from AWS's own `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` variables, so that
 * SDK releases too old to read them still honour them.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

/** How a plugin connects to AWS. */
export interface AwsConnection {
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A session token for the static keys (awssecret's `secret_token`). */
  sessionToken?: string;
  /** A role ARN to assume with STS AssumeRole; every call is then made as that role. */
  assumeRoleArn?: string;
  /** The session name of the assumed role (default `spire-server-<unix ms>`). */
  roleSessionName?: string;
}

/** Static credentials, or a provider of them. */
export type Credentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>);

/** The client settings {@link awsClientConfig} builds. */
export interface AwsClientConfig {
  region?: string;
  credentials?: Credentials;
  endpoint?: string;
  requestHandler?: { requestTimeout: number; connectionTimeout: number };
  maxAttempts?: number;
}

/**
 * The endpoint AWS's shared configuration names for a service: `AWS_ENDPOINT_URL_<ID>` (the
 * SDK's service ID, upper-cased, spaces as underscores, e.g. `ACM_PCA`), else `AWS_ENDPOINT_URL`,
 * else none (the SDK's regional default).
 */
export function endpointFromEnv(serviceId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = `AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`;
  const v = env[key] || env.AWS_ENDPOINT_URL;
  return v ? v : undefined;
}

/** The static credentials of a connection, when both keys are set. */
export function staticCredentials(c: AwsConnection): Credentials | undefined {
  if (!c.accessKeyId || !c.secretAccessKey) return undefined;
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
}

/**
 * Client settings for one service. `serviceId` is the SDK's service ID (`KMS`, `ACM PCA`,
 * `Secrets Manager`, `RolesAnywhere`, …); `opts.timeoutMs` bounds each request and each
 * connection attempt; `opts.endpoint` (a plugin's documented `endpoint` option) wins over the
 * environment.
 */
export function awsClientConfig(
  serviceId: string,
  c: AwsConnection,
  opts: { timeoutMs?: number; endpoint?: string; maxAttempts?: number } = {},
): AwsClientConfig {
  const base = staticCredentials(c);
  let credentials = base;
  if (c.assumeRoleArn) {
    credentials = fromTemporaryCredentials({
      params: { RoleArn: c.assumeRoleArn, RoleSessionName: c.roleSessionName ?? `spire-server-${Date.now()}` },
      ...(base ? { masterCredentials: base as { accessKeyId: string; secretAccessKey: string } } : {}),
      clientConfig: { ...(c.region ? { region: c.region } : {}) },
    });
  }
  const endpoint = opts.endpoint || endpointFromEnv(serviceId);
  return {
    ...(c.region ? { region: c.region } : {}),
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(opts.timeoutMs ? { requestHandler: { requestTimeout: opts.timeoutMs, connectionTimeout: opts.timeoutMs } } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  };
}
