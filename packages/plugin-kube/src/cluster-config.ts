import type { ConfigReader, PluginData } from '@spire-ts/core/plugin';

/**
 * The blocks of the `clusters` map option (`clusters = { "a" = {…} }`, or repeated labelled
 * blocks), by cluster name, each with a reader whose problems join `r`'s. A `clusters` that is
 * not a map is a problem of `r`. Never throws.
 */
export function clusterBlocks(r: ConfigReader, raw: PluginData): [string, ConfigReader][] {
  const block = r.block('clusters');
  if (!block) return [];
  const v = raw.clusters;
  const obj = (Array.isArray(v) && v.length === 1 ? v[0] : v) as Record<string, unknown>;
  const out: [string, ConfigReader][] = [];
  for (const name of Object.keys(obj)) {
    const child = block.block(name);
    if (child) out.push([name, child]);
  }
  return out;
}

/**
 * The `service_account_allow_list` of cluster `name` (`"<namespace>:<service account>"` names),
 * read from its block `c`. An empty or missing list is a problem of `r` with SPIRE's wording.
 */
export function serviceAccountAllowList(r: ConfigReader, c: ConfigReader, name: string): Set<string> {
  const allow = c.strings('service_account_allow_list') ?? [];
  if (allow.length === 0) r.problem(`cluster "${name}" configuration must have at least one service account allowed`);
  return new Set(allow);
}
