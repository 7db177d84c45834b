import { ConfigReader, type CoreConfig, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { clusterBlocks, serviceAccountAllowList } from '@spire-ts/plugin-kube';

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
 * Reads k8s_psat's plugin_data, collecting every problem with SPIRE's wording. No clusters is
 * allowed (SPIRE only notes it; every attestation then fails). Touches nothing outside: the
 * kubeconfig is read at each attestation, as SPIRE does. Never throws.
 */
export function parsePsatConfig(raw: PluginData, _core: CoreConfig): ParseResult<PsatConfig> {
  const r = new ConfigReader(raw);
  const clusters = new Map<string, PsatClusterConfig>();
  for (const [name, c] of clusterBlocks(r, raw)) {
    clusters.set(name, {
      serviceAccounts: serviceAccountAllowList(r, c, name),
      audience: c.strings('audience') ?? DEFAULT_AUDIENCE,
      kubeConfigFile: c.string('kube_config_file') ?? '',
      allowedNodeLabelKeys: new Set(c.strings('allowed_node_label_keys') ?? []),
      allowedPodLabelKeys: new Set(c.strings('allowed_pod_label_keys') ?? []),
      usePodUidForAgentId: c.bool('use_pod_uid_for_agent_id') ?? false,
    });
  }
  return r.result({ clusters });
}
