import { defineNodeAttestor, type NodeAttestor, type PluginDescriptor } from '@spire-ts/core/plugin';
import { sdkAwsApi } from './aws-api.js';
import type { ApiFactory } from './aws-clients.js';
import { parseAwsIidConfig, type AwsIidConfig } from './config.js';
import { AwsIidErrors as E } from './errors.js';
import { AWS_TIMEOUT_MS, AwsIidAttestor } from './iid-attestor.js';
import { readTestCertsFile, RegionCerts, TEST_CERTS_ENV } from './region-certs.js';

export type { AwsIidConfig, OrgValidationConfig } from './config.js';
export { DEFAULT_AGENT_PATH_TEMPLATE, PARTITIONS, parseAwsIidConfig } from './config.js';
export { AwsIidAttestor, AWS_TIMEOUT_MS, PLUGIN_NAME, type AwsIidAttestorDeps } from './iid-attestor.js';
export { RegionCerts, TEST_CERTS_ENV, type SignatureKind } from './region-certs.js';
export { verifyIdentityPayload, type InstanceIdentity } from './iid-verify.js';
export { sdkAwsApi, type AwsIidApi, type Ec2InstanceView, type Page, type SdkApiSettings } from './aws-api.js';
export type { ApiFactory, ApiTarget } from './aws-clients.js';

/** Internal settings of {@link makeAwsIidNodeAttestor}, for tests and embedding; no config key sets them. */
export interface AwsIidInternalOptions {
  /**
   * TEST-ONLY: region → PEM certificate replacing AWS's region tables for both signatures (the
   * in-process form of {@link TEST_CERTS_ENV}).
   */
  regionCerts?: Readonly<Record<string, string>>;
  /** Bound on each stage of AWS calls and on each request (default 20 s, as SPIRE). */
  timeoutMs?: number;
  /** SDK attempts per AWS call (default: the SDK's standard retry). */
  maxAttempts?: number;
  /** Clock of the organization and EKS caches, epoch ms. */
  now?: () => number;
  /** Replaces the AWS SDK clients (a fake of {@link AwsIidApi}). */
  apiFactory?: ApiFactory;
}

/**
 * The aws_iid descriptor with internal settings. The region certificates are AWS's, unless the
 * options (or, for end-to-end tests of a real server, the file named by the test-only
 * `SPIRE_TEST_AWS_IID_CERTS_FILE` variable) replace them; a replacement that cannot be read
 * fails the configuration.
 */
export function makeAwsIidNodeAttestor(opts: AwsIidInternalOptions = {}): PluginDescriptor<'NodeAttestor', NodeAttestor, AwsIidConfig> {
  return defineNodeAttestor<AwsIidConfig>({
    name: 'aws_iid',
    parseConfig: (raw, core) => parseAwsIidConfig(raw, core),
    create: ({ config, trustDomain, host, log }) => {
      let certs: RegionCerts;
      try {
        const file = process.env[TEST_CERTS_ENV];
        const override = opts.regionCerts ?? (file ? readTestCertsFile(file) : undefined);
        if (override) log.warn({ regions: Object.keys(override).length }, 'Region certificates replaced for testing; never do this in production');
        certs = new RegionCerts(override);
      } catch (e) {
        throw E.testCerts(e);
      }
      const timeoutMs = opts.timeoutMs ?? AWS_TIMEOUT_MS;
      const apiFactory: ApiFactory =
        opts.apiFactory ??
        ((t) =>
          sdkAwsApi({
            region: t.region,
            accessKeyId: config.accessKeyId,
            secretAccessKey: config.secretAccessKey,
            assumeRoleArn: t.assumeRoleArn,
            orgRoleArn: t.orgRoleArn,
            timeoutMs,
            ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
          }));
      return new AwsIidAttestor(config, { trustDomain, host, log, certs, apiFactory, timeoutMs, ...(opts.now ? { now: opts.now } : {}) });
    },
  });
}

/**
 * The built-in NodeAttestor "aws_iid": attests EC2 instances by their signed instance identity
 * document, confirmed with EC2 (and, when configured, Organizations and EKS). Trust on first use
 * through the AgentStore host service.
 */
export const awsIidNodeAttestor = makeAwsIidNodeAttestor();
