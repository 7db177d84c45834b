import { bundleFormatFromString, ConfigReader, readRefreshHint, type BundleFormat, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Azure public cloud's blob service endpoint (SPIRE's default). */
export const DEFAULT_SERVICE_ENDPOINT = 'blob.core.windows.net';

/** Options of BundlePublisher "azure_blob". */
export interface AzureBlobConfig {
  storageAccountName: string;
  /** The account's access key (base64) for Shared Key authorization; '' otherwise. */
  storageAccountKey: string;
  containerName: string;
  blobName: string;
  format: BundleFormat;
  /** `https://<storage_account_name>.<service_endpoint>`. */
  accountUrl: string;
  /** An application's client secret credential, when configured. */
  clientSecret?: { tenantId: string; appId: string; appSecret: string };
  /** Refresh hint in seconds written into the bundle (spiffe format); 0 keeps the bundle's own. */
  refreshHintSeconds: number;
  /** Informational notes, as SPIRE's Validate returns them (logged at start). */
  notes: string[];
}

/**
 * Reads plugin_data as SPIRE's azure_blob does, collecting every problem with SPIRE's messages:
 * `storage_account_name`, `container_name`, `blob_name` and `format` (spiffe, jwks or pem, any
 * case) are required; the account URL is `https://<storage_account_name>.<service_endpoint>`
 * (default endpoint `blob.core.windows.net`); `storage_account_key` excludes `tenant_id`,
 * `app_id`, `app_secret`, which go together; `refresh_hint` is a Go duration. Unknown options
 * are refused.
 */
export function parseAzureBlobConfig(raw: PluginData): ParseResult<AzureBlobConfig> {
  const r = new ConfigReader(raw);
  const notes: string[] = [];
  const storageAccountName = r.string('storage_account_name') ?? '';
  const storageAccountKey = r.string('storage_account_key') ?? '';
  const serviceEndpoint = r.string('service_endpoint') ?? '';
  const containerName = r.string('container_name') ?? '';
  const blobName = r.string('blob_name') ?? '';
  const formatText = r.string('format') ?? '';
  const tenantId = r.string('tenant_id') ?? '';
  const appId = r.string('app_id') ?? '';
  const appSecret = r.string('app_secret') ?? '';
  const hint = r.string('refresh_hint') ?? '';

  if (!storageAccountName) r.problem('configuration is missing the storage account name');
  if (!containerName) r.problem('configuration is missing the container name');
  if (!blobName) r.problem('configuration is missing the blob name');
  if (!formatText) r.problem('configuration is missing the bundle format');
  let format: BundleFormat = 'pem';
  try {
    format = bundleFormatFromString(formatText);
  } catch (err) {
    r.problem(`could not parse bundle format from configuration: ${(err as Error).message}`);
  }
  const accountUrl = `https://${storageAccountName}.${serviceEndpoint || DEFAULT_SERVICE_ENDPOINT}`;
  if (!URL.canParse(accountUrl)) r.problem(`could not parse service endpoint url: parse ${JSON.stringify(accountUrl)}: invalid URL`);
  const refreshHintSeconds = readRefreshHint(hint, notes, (m) => r.problem(m), 'could not parse refresh_hint');
  const anySecret = tenantId !== '' || appId !== '' || appSecret !== '';
  if (storageAccountKey !== '') {
    if (anySecret) r.problem('storage account key and client secret credentials are mutually exclusive');
  } else if (anySecret) {
    if (!tenantId) r.problem('configuration is missing the tenant ID');
    if (!appId) r.problem('configuration is missing the app ID');
    if (!appSecret) r.problem('configuration is missing the app secret');
  }
  return r.result({
    storageAccountName,
    storageAccountKey,
    containerName,
    blobName,
    format,
    accountUrl,
    ...(storageAccountKey === '' && anySecret ? { clientSecret: { tenantId, appId, appSecret } } : {}),
    refreshHintSeconds,
    notes,
  });
}
