import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of BundlePublisher "aws_rolesanywhere_trustanchor". */
export interface AwsRolesAnywhereConfig {
  /** Static credentials, used only when both are set; otherwise the SDK's default chain. */
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The ID of the trust anchor the bundle is put in. */
  trustAnchorId: string;
}

/**
 * Reads plugin_data as SPIRE's aws_rolesanywhere_trustanchor does: `region` and
 * `trust_anchor_id` are required; `access_key_id` and `secret_access_key` are optional. Collects
 * every problem with SPIRE's messages; unknown options are refused.
 */
export function parseAwsRolesAnywhereConfig(raw: PluginData): ParseResult<AwsRolesAnywhereConfig> {
  const r = new ConfigReader(raw);
  const config: AwsRolesAnywhereConfig = {
    accessKeyId: r.string('access_key_id') ?? '',
    secretAccessKey: r.string('secret_access_key') ?? '',
    region: r.string('region') ?? '',
    trustAnchorId: r.string('trust_anchor_id') ?? '',
  };
  if (!config.region) r.problem('configuration is missing the region');
  if (!config.trustAnchorId) r.problem('configuration is missing the trust anchor id');
  return r.result(config);
}
