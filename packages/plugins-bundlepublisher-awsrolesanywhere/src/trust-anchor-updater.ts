import { RolesAnywhereClient, UpdateTrustAnchorCommand } from '@aws-sdk/client-rolesanywhere';
import { awsClientConfig } from '@spire-ts/plugin-aws';
import type { AwsRolesAnywhereConfig } from './config.js';

/** What UpdateTrustAnchor answers that the plugin logs. */
export interface UpdatedTrustAnchor {
  arn: string;
  name: string;
}

/** Replaces a trust anchor's certificates; the narrow view of IAM Roles Anywhere this plugin needs. */
export interface TrustAnchorUpdater {
  /** Sets the trust anchor's source to a CERTIFICATE_BUNDLE holding `pem`. Throws the SDK's error. */
  update(trustAnchorId: string, pem: string): Promise<UpdatedTrustAnchor>;
  /** Releases the client's sockets. Safe to call twice. */
  close(): void;
}

/** Bounds each request (connection, retries and reply). */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A {@link TrustAnchorUpdater} over the AWS SDK v3 Roles Anywhere client (REST-JSON, `PATCH
 * /trustanchor/{id}`), connected as SPIRE's plugin: the configured region; static keys only when
 * both are set, else the default chain; the endpoint from AWS_ENDPOINT_URL_ROLESANYWHERE /
 * AWS_ENDPOINT_URL when set (this SDK release predates reading them itself).
 */
export function rolesAnywhereUpdater(c: AwsRolesAnywhereConfig): TrustAnchorUpdater {
  // No timeoutMs: this release takes only a handler object as requestHandler, so each request is
  // bounded by its own abort signal instead.
  const { region, credentials, endpoint } = awsClientConfig('RolesAnywhere', { region: c.region, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey });
  const client = new RolesAnywhereClient({ region, credentials, endpoint });
  return {
    update: async (trustAnchorId, pem) => {
      const out = await client.send(
        new UpdateTrustAnchorCommand({ trustAnchorId, source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: pem } } }),
        { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
      );
      return { arn: out.trustAnchor?.trustAnchorArn ?? '', name: out.trustAnchor?.name ?? '' };
    },
    close: () => client.destroy(),
  };
}
