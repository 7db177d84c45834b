import { ConfigReader, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** One entry of `clusters`, parsed. */
export interface PsatClusterConfig {
  /** `"<namespace>:<service account>"` names allowed to attest. */
  serviceAccounts: Set<string>;
  /** Audiences sent in the TokenReview; empty means the API server's own, unchecked. */
  audience: string[];
  /** The kubeconfig file; empty means in-cluster configuration. */
  kubeConfigFile: string;
  allowedNodeLabelKeys: Set<string>;
  allowedPodLabelKeys: Set<string>;
  usePodUidForAgentId: boolean;
}

/** k8s_psat's parsed configuration: the clusters by the name agents send. */
export interface PsatConfig {
  clusters: Map<string, PsatClusterConfig>;
}

/** SPIRE's audience when `audience` is not set. */
export const DEFAULT_AUDIENCE = ['spire-server'];

/**
 * The entries of a map option (`clusters = { "a" = {…} }`, or repeated labelled blocks), each
 * with a reader whose problems join the parent's. Problems for a value that is not a map.
 */
export function mapEntries(r: ConfigReader, raw: PluginData, key: string): [string, ConfigReader][] {
  const block = r.block(key);
  if (!block) return [];
  const v = raw[key];
  const obj = (Array.isArray(v) && v.length === 1 ? v[0] : v) as Record<string, unknown>;
  const out: [string, ConfigReader][] = [];
  for (const name of Object.keys(obj)) {
    const child = block.block(name);
    if (child) out.push([name, child]);
  }
  return out;
}

/**
 * Reads k8s_psat's plugin_data, collecting every problem with SPIRE's wording. No clusters is
 * allowed (SPIRE only notes it; every attestation then fails). Touches nothing outside: the
 * kubeconfig is read at each attestation, as SPIRE does. Never throws.
 */
export function parsePsatConfig(raw: PluginData, _core: CoreConfig): ParseResult<PsatConfig> {
  const r = new ConfigReader(raw);
  const clusters = new Map<string, PsatClusterConfig>();
  for (const [name, c] of mapEntries(r, raw, 'clusters')) {
    const allow = c.strings('service_account_allow_list') ?? [];
    if (allow.length === 0) r.problem(`cluster "${name}" configuration must have at least one service account allowed`);
    clusters.set(name, {
      serviceAccounts: new Set(allow),
      audience: c.strings('audience') ?? DEFAULT_AUDIENCE,
      kubeConfigFile: c.string('kube_config_file') ?? '',
      allowedNodeLabelKeys: new Set(c.strings('allowed_node_label_keys') ?? []),
      allowedPodLabelKeys: new Set(c.strings('allowed_pod_label_keys') ?? []),
      usePodUidForAgentId: c.bool('use_pod_uid_for_agent_id') ?? false,
    });
  }
  return r.result({ clusters });
}
