import { bundleFormatFromString, ConfigReader, readRefreshHint, type BundleFormat, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of BundlePublisher "gcp_cloudstorage". */
export interface GcpCloudStorageConfig {
  bucketName: string;
  objectName: string;
  format: BundleFormat;
  /** A service account key file; empty uses Application Default Credentials. */
  serviceAccountFile: string;
  /** Refresh hint in seconds written into the bundle (spiffe format); 0 keeps the bundle's own. */
  refreshHintSeconds: number;
  /** Notes, as SPIRE's Validate returns them (logged at start). */
  notes: string[];
}

/**
 * Reads plugin_data as SPIRE's gcp_cloudstorage does: `bucket_name`, `object_name` and `format`
 * (spiffe, jwks or pem, any case) are required; `service_account_file` and `refresh_hint` (a Go
 * duration) are optional. Collects every problem with SPIRE's messages; unknown options are
 * refused.
 */
export function parseGcpCloudStorageConfig(raw: PluginData): ParseResult<GcpCloudStorageConfig> {
  const r = new ConfigReader(raw);
  const notes: string[] = [];
  const bucketName = r.string('bucket_name') ?? '';
  const objectName = r.string('object_name') ?? '';
  const formatText = r.string('format') ?? '';
  const serviceAccountFile = r.string('service_account_file') ?? '';
  const hint = r.string('refresh_hint') ?? '';
  if (!bucketName) r.problem('configuration is missing the bucket name');
  if (!objectName) r.problem('configuration is missing the object name');
  if (!formatText) r.problem('configuration is missing the bundle format');
  let format: BundleFormat = 'pem';
  try {
    format = bundleFormatFromString(formatText);
  } catch (err) {
    // As SPIRE, an empty format gets this problem as well as the "missing" one.
    r.problem(`could not parse bundle format from configuration: ${(err as Error).message}`);
  }
  const refreshHintSeconds = readRefreshHint(hint, notes, (m) => r.problem(m), 'could not parse refresh_hint');
  return r.result({ bucketName, objectName, format, serviceAccountFile, refreshHintSeconds, notes });
}
