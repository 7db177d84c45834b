import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { isAbsoluteUrl } from '@spire-ts/plugin-aws';

/** SPIRE's default CA template: a subordinate CA that may sign only end entities (path length 0). */
export const DEFAULT_CA_SIGNING_TEMPLATE_ARN = 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1';

/** Options of UpstreamAuthority "aws_pca". */
export interface AwsPcaConfig {
  region: string;
  certificateAuthorityArn: string;
  /** The template IssueCertificate uses; the default is a PathLen0 subordinate CA. */
  caSigningTemplateArn: string;
  /** Empty: the CA's own signing algorithm (from DescribeCertificateAuthority). */
  signingAlgorithm: string;
  /** A role to assume with STS before calling ACM PCA; empty: none. */
  assumeRoleArn: string;
  /** The ACM PCA endpoint (the SDK's endpoint for this service only); empty: AWS's. */
  endpoint: string;
  /** A PEM file of extra roots added to the upstream roots; empty: none. */
  supplementalBundlePath: string;
}

/**
 * Reads plugin_data as SPIRE's aws_pca does: `region` and `certificate_authority_arn` are
 * required; `ca_signing_template_arn`, `signing_algorithm`, `assume_role_arn`, `endpoint` (an
 * absolute URL) and `supplemental_bundle_path` are optional. Collects every problem with SPIRE's
 * messages; unknown options are refused.
 */
export function parseAwsPcaConfig(raw: PluginData): ParseResult<AwsPcaConfig> {
  const r = new ConfigReader(raw);
  const config: AwsPcaConfig = {
    region: r.string('region') ?? '',
    certificateAuthorityArn: r.string('certificate_authority_arn') ?? '',
    caSigningTemplateArn: r.string('ca_signing_template_arn') || DEFAULT_CA_SIGNING_TEMPLATE_ARN,
    signingAlgorithm: r.string('signing_algorithm') ?? '',
    assumeRoleArn: r.string('assume_role_arn') ?? '',
    endpoint: r.string('endpoint') ?? '',
    supplementalBundlePath: r.string('supplemental_bundle_path') ?? '',
  };
  if (!config.region) r.problem('plugin configuration is missing the region');
  if (!config.certificateAuthorityArn) r.problem('plugin configuration is missing the certificate_authority_arn');
  if (config.endpoint && !isAbsoluteUrl(config.endpoint)) r.problem(`endpoint ${JSON.stringify(config.endpoint)} is not an absolute URL`);
  return r.result(config);
}
