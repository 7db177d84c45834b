import { bundleFormatFromString, ConfigReader, readRefreshHint, type BundleFormat, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { isAbsoluteUrl } from '@spire-ts/plugin-aws';

/** Options of BundlePublisher "aws_s3". */
export interface AwsS3Config {
  /** Static credentials, used only when both are set; otherwise the SDK's default chain. */
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  objectKey: string;
  format: BundleFormat;
  /** A custom S3 endpoint (MinIO and the like); when set, requests are path-style. Empty: AWS. */
  endpoint: string;
  /** Refresh hint in seconds written into the bundle (spiffe format); 0 keeps the bundle's own. */
  refreshHintSeconds: number;
  /** Informational notes, as SPIRE's Validate returns them (logged at start). */
  notes: string[];
}

/**
 * Reads plugin_data as SPIRE's aws_s3 does: `region`, `bucket`, `object_key` and `format`
 * (spiffe, jwks or pem, any case) are required; `access_key_id`, `secret_access_key`,
 * `endpoint` (an absolute URL) and `refresh_hint` (a Go duration) are optional. Collects
 * every problem with SPIRE's messages; unknown options are refused.
 */
export function parseAwsS3Config(raw: PluginData): ParseResult<AwsS3Config> {
  const r = new ConfigReader(raw);
  const notes: string[] = [];
  const accessKeyId = r.string('access_key_id') ?? '';
  const secretAccessKey = r.string('secret_access_key') ?? '';
  const region = r.string('region') ?? '';
  const bucket = r.string('bucket') ?? '';
  const objectKey = r.string('object_key') ?? '';
  const formatText = r.string('format') ?? '';
  const endpoint = r.string('endpoint') ?? '';
  const hint = r.string('refresh_hint') ?? '';

  if (!region) r.problem('configuration is missing the region');
  if (!bucket) r.problem('configuration is missing the bucket name');
  if (!objectKey) r.problem('configuration is missing the object key');
  if (!formatText) r.problem('configuration is missing the bundle format');
  if (endpoint && !isAbsoluteUrl(endpoint)) r.problem(`could not parse endpoint url: parse ${JSON.stringify(endpoint)}: invalid URI for request`);
  let format: BundleFormat = 'pem';
  try {
    format = bundleFormatFromString(formatText);
  } catch (err) {
    // As SPIRE, an empty format gets this problem as well as the "missing" one.
    r.problem(`could not parse bundle format from configuration: ${(err as Error).message}`);
  }
  const refreshHintSeconds = readRefreshHint(hint, notes, (m) => r.problem(m), 'could not parse refresh_hint');
  return r.result({ accessKeyId, secretAccessKey, region, bucket, objectKey, format, endpoint, refreshHintSeconds, notes });
}
