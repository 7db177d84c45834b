import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** Options of KeyManager "azure_key_vault". */
export interface AzureKeyVaultConfig {
  /** The vault's URL (`https://<name>.vault.azure.net/`). */
  keyVaultUri: string;
  /** A file holding this server's UUID (created 0600 when missing); '' when the value is given. */
  keyIdentifierFile: string;
  /** This server's identifier, given directly; '' when the file is used. */
  keyIdentifierValue: string;
  /**
   * An application's client secret credential, when configured; otherwise undefined and the
   * default Azure credential chain (environment, workload identity, managed identity) is used.
   */
  clientSecret?: { tenantId: string; subscriptionId: string; appId: string; appSecret: string };
}

/**
 * Reads plugin_data as SPIRE's azure_key_vault does, collecting every problem with SPIRE's
 * messages: `key_vault_uri` is required (and must be a URL); exactly one of
 * `key_identifier_file` and `key_identifier_value` (at most 256 characters); when any of
 * `tenant_id`, `subscription_id`, `app_id`, `app_secret` is set, all four are required.
 * Unknown options are refused. Touches nothing outside.
 */
export function parseAzureKeyVaultConfig(raw: PluginData): ParseResult<AzureKeyVaultConfig> {
  const r = new ConfigReader(raw);
  const keyVaultUri = r.string('key_vault_uri') ?? '';
  const keyIdentifierFile = r.string('key_identifier_file') ?? '';
  const keyIdentifierValue = r.string('key_identifier_value') ?? '';
  const tenantId = r.string('tenant_id') ?? '';
  const subscriptionId = r.string('subscription_id') ?? '';
  const appId = r.string('app_id') ?? '';
  const appSecret = r.string('app_secret') ?? '';

  if (keyVaultUri === '') r.problem('configuration is missing the Key Vault URI');
  else if (!URL.canParse(keyVaultUri)) r.problem(`could not parse key_vault_uri: ${JSON.stringify(keyVaultUri)} is not a URL`);
  if (keyIdentifierValue.length > 256) r.problem('Key identifier must not be longer than 256 characters');
  if (keyIdentifierFile === '' && keyIdentifierValue === '') r.problem('configuration requires a key identifier file or a key identifier value');
  if (keyIdentifierFile !== '' && keyIdentifierValue !== '') {
    r.problem("configuration can't have a key identifier file and a key identifier value at the same time");
  }
  const anySecret = tenantId !== '' || subscriptionId !== '' || appId !== '' || appSecret !== '';
  if (anySecret) {
    if (tenantId === '') r.problem('invalid configuration, missing tenant id');
    if (subscriptionId === '') r.problem('invalid configuration, missing subscription id');
    if (appId === '') r.problem('invalid configuration, missing application id');
    if (appSecret === '') r.problem('invalid configuration, missing app secret');
  }
  return r.result({
    keyVaultUri,
    keyIdentifierFile,
    keyIdentifierValue,
    ...(anySecret ? { clientSecret: { tenantId, subscriptionId, appId, appSecret } } : {}),
  });
}
