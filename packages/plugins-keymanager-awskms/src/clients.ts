import { KMSClient } from '@aws-sdk/client-kms';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { STSClient } from '@aws-sdk/client-sts';
import { awsClientConfig } from '@spire-ts/plugin-aws';
import type { AwsKmsConfig } from './config.js';

/** Per-request and per-connection time limit of every AWS call. */
const TIMEOUT_MS = 30_000;
/** The SDK's standard retry (throttling, 5xx, network errors): up to 3 attempts, as SPIRE's Go SDK. */
const MAX_ATTEMPTS = 3;

/** The AWS clients of one configuration. */
export interface AwsKmsClients {
  kms: KMSClient;
  sts: STSClient;
  /** Only in tag mode. */
  tagging: ResourceGroupsTaggingAPIClient | undefined;
  /** Releases the sockets. Safe to call twice. */
  destroy(): void;
}

/**
 * The SDK clients of a configuration: the configured region, static keys only when both are set
 * (else the SDK's default chain), and the endpoint from `AWS_ENDPOINT_URL_<SERVICE>` or
 * `AWS_ENDPOINT_URL` when set.
 */
export function makeAwsKmsClients(c: AwsKmsConfig): AwsKmsClients {
  const conn = { region: c.region, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  const opts = { timeoutMs: TIMEOUT_MS, maxAttempts: MAX_ATTEMPTS };
  const kms = new KMSClient(awsClientConfig('KMS', conn, opts));
  const sts = new STSClient(awsClientConfig('STS', conn, opts));
  const tagging = c.enableTagBasedKeyDiscovery
    ? new ResourceGroupsTaggingAPIClient(awsClientConfig('Resource Groups Tagging API', conn, opts))
    : undefined;
  return {
    kms,
    sts,
    tagging,
    destroy: () => {
      kms.destroy();
      sts.destroy();
      tagging?.destroy();
    },
  };
}
