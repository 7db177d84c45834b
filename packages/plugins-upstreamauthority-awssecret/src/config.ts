import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of UpstreamAuthority "awssecret". */
export interface AwsSecretConfig {
  region: string;
  /** The secret holding the CA certificate (PEM; the first certificate signs, the rest are its chain). */
  certFileArn: string;
  /** The secret holding the CA private key (PEM). */
  keyFileArn: string;
  /** The secret holding the roots (PEM); empty when the CA certificate is a self-signed root. */
  bundleFileArn: string;
  /** Static credentials, used only when both are set; otherwise the SDK's default chain. */
  accessKeyId: string;
  secretAccessKey: string;
  /** The session token of the static credentials; empty: AWS_SESSION_TOKEN. */
  secretToken: string;
  /** A role to assume with STS before reading the secrets; empty: none. */
  assumeRoleArn: string;
}

/**
 * Reads plugin_data as SPIRE's awssecret does: `cert_file_arn` and `key_file_arn` are required;
 * `region`, `bundle_file_arn`, `access_key_id`, `secret_access_key`, `secret_token` and
 * `assume_role_arn` are optional. Collects every problem with SPIRE's messages; unknown options
 * are refused.
 */
export function parseAwsSecretConfig(raw: PluginData): ParseResult<AwsSecretConfig> {
  const r = new ConfigReader(raw);
  const config: AwsSecretConfig = {
    region: r.string('region') ?? '',
    certFileArn: r.string('cert_file_arn') ?? '',
    keyFileArn: r.string('key_file_arn') ?? '',
    bundleFileArn: r.string('bundle_file_arn') ?? '',
    accessKeyId: r.string('access_key_id') ?? '',
    secretAccessKey: r.string('secret_access_key') ?? '',
    secretToken: r.string('secret_token') ?? '',
    assumeRoleArn: r.string('assume_role_arn') ?? '',
  };
  if (!config.certFileArn) r.problem("configuration missing 'cert_file_arn' value");
  if (!config.keyFileArn) r.problem("configuration missing 'key_file_arn' value");
  return r.result(config);
}
