import type { ConfigReader, PluginData } from '@spire-ts/core/plugin';

/**
 * The `tenants` map of an Azure attestor's plugin_data as `[tenant ID or domain, block reader]`
 * pairs, each block read by a child of `r` (so unknown keys inside are reported). Missing → [].
 */
export function tenantBlocks(r: ConfigReader, raw: PluginData): [string, ConfigReader][] {
  const block = r.block('tenants');
  if (!block) return [];
  const v = raw.tenants;
  const obj = (Array.isArray(v) && v.length === 1 ? v[0] : v) as Record<string, unknown>;
  const out: [string, ConfigReader][] = [];
  for (const name of Object.keys(obj)) {
    const child = block.block(name);
    if (child) out.push([name, child]);
  }
  return out;
}
