import { ConfigReader, PathTemplate, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { tenantBlocks } from '@spire-ts/plugin-azure';

/** One entry of `tenants`, parsed. */
export interface MsiTenantConfig {
  /** The expected `aud` of tokens of this tenant (default {@link DEFAULT_RESOURCE_ID}). */
  resourceId: string;
  /** The client-secret credential; all three empty: the default credential chain. */
  subscriptionId: string;
  appId: string;
  appSecret: string;
}

/** azure_msi's parsed configuration. */
export interface MsiConfig {
  tenants: Map<string, MsiTenantConfig>;
  pathTemplate: PathTemplate;
}

/** SPIRE's default expected audience: Azure Resource Manager. */
export const DEFAULT_RESOURCE_ID = 'https://management.azure.com/';
/** SPIRE's agent path when `agent_path_template` is not set. */
export const DEFAULT_AGENT_PATH_TEMPLATE = '/{{ .PluginName }}/{{ .TenantID }}/{{ .PrincipalID }}';

/**
 * Reads azure_msi's plugin_data, collecting every problem with SPIRE's wording: at least one
 * tenant; per tenant `subscription_id`, `app_id` and `app_secret` all or none. Never throws and
 * touches nothing outside (credentials are built when the plugin is created).
 */
export function parseMsiConfig(raw: PluginData, _core: CoreConfig): ParseResult<MsiConfig> {
  const r = new ConfigReader(raw);
  const tenants = new Map<string, MsiTenantConfig>();
  const blocks = tenantBlocks(r, raw);
  if (blocks.length === 0) r.problem('configuration must have at least one tenant');
  for (const [id, b] of blocks) {
    const t: MsiTenantConfig = {
      resourceId: b.string('resource_id') || DEFAULT_RESOURCE_ID,
      subscriptionId: b.string('subscription_id') ?? '',
      appId: b.string('app_id') ?? '',
      appSecret: b.string('app_secret') ?? '',
    };
    if (t.subscriptionId !== '' || t.appId !== '' || t.appSecret !== '') {
      if (t.subscriptionId === '') r.problem(`misconfigured tenant "${id}": missing subscription id`);
      if (t.appId === '') r.problem(`misconfigured tenant "${id}": missing app id`);
      if (t.appSecret === '') r.problem(`misconfigured tenant "${id}": missing app secret`);
    }
    tenants.set(id, t);
  }
  let pathTemplate = PathTemplate.parse(DEFAULT_AGENT_PATH_TEMPLATE);
  const text = r.string('agent_path_template') ?? '';
  if (text !== '') {
    try {
      pathTemplate = PathTemplate.parse(text);
    } catch {
      r.problem(`failed to parse agent path template: ${JSON.stringify(text)}`);
    }
  }
  return r.result({ tenants, pathTemplate });
}
