import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of Notifier "gcs_bundle". */
export interface GcsBundleConfig {
  bucket: string;
  objectPath: string;
  /** A service account key file; empty uses Application Default Credentials. */
  serviceAccountFile: string;
}

/**
 * Reads plugin_data as SPIRE's gcs_bundle does: `bucket` and `object_path` are required,
 * `service_account_file` optional. Collects every problem (SPIRE's messages); unknown options
 * are refused.
 */
export function parseGcsBundleConfig(raw: PluginData): ParseResult<GcsBundleConfig> {
  const r = new ConfigReader(raw);
  const bucket = r.string('bucket') ?? '';
  const objectPath = r.string('object_path') ?? '';
  const serviceAccountFile = r.string('service_account_file') ?? '';
  if (!bucket) r.problem('bucket must be set');
  if (!objectPath) r.problem('object_path must be set');
  return r.result({ bucket, objectPath, serviceAccountFile });
}
