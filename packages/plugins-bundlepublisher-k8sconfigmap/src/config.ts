import { bundleFormatFromString, ConfigReader, readRefreshHint, type BundleFormat, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** One cluster the bundle is published to. */
export interface K8sConfigMapCluster {
  /** The key of the cluster in `clusters`. */
  id: string;
  format: BundleFormat;
  namespace: string;
  configMapName: string;
  configMapKey: string;
  /** Kubeconfig file; empty means the in-cluster service account. */
  kubeConfigPath: string;
  /** Refresh hint in seconds written into the bundle (spiffe format); 0 keeps the bundle's own. */
  refreshHintSeconds: number;
}

/** Options of BundlePublisher "k8s_configmap". */
export interface K8sConfigMapConfig {
  clusters: K8sConfigMapCluster[];
  /** Informational notes, as SPIRE's Validate returns them (logged at start). */
  notes: string[];
}

function readCluster(id: string, r: ConfigReader, notes: string[]): K8sConfigMapCluster {
  const q = JSON.stringify(id);
  const formatText = r.string('format') ?? '';
  const namespace = r.string('namespace') ?? '';
  const configMapName = r.string('configmap_name') ?? '';
  const configMapKey = r.string('configmap_key') ?? '';
  const kubeConfigPath = r.string('kubeconfig_path') ?? '';
  const hint = r.string('refresh_hint') ?? '';
  let format: BundleFormat = 'pem';
  if (!formatText) r.problem(`missing bundle format in cluster ${q}`);
  else {
    try {
      format = bundleFormatFromString(formatText);
    } catch (err) {
      r.problem(`could not parse bundle format from cluster ${q}: ${(err as Error).message}`);
    }
  }
  if (!namespace) r.problem(`missing namespace in cluster ${q}`);
  if (!configMapName) r.problem(`missing configmap name in cluster ${q}`);
  if (!configMapKey) r.problem(`missing configmap key in cluster ${q}`);
  const refreshHintSeconds = readRefreshHint(hint, notes, (m) => r.problem(m), `could not parse refresh_hint from cluster ${q}`);
  return { id, format, namespace, configMapName, configMapKey, kubeConfigPath, refreshHintSeconds };
}

/**
 * Reads plugin_data as SPIRE's k8s_configmap does: `clusters` maps an ID to a cluster block
 * with `format` (spiffe, jwks or pem, any case), `namespace`, `configmap_name` and
 * `configmap_key` (all required), and optional `kubeconfig_path` and `refresh_hint` (a Go
 * duration). Collects every problem, each naming its cluster.
 */
export function parseK8sConfigMapConfig(raw: PluginData): ParseResult<K8sConfigMapConfig> {
  const r = new ConfigReader(raw);
  const notes: string[] = [];
  const clusters: K8sConfigMapCluster[] = [];
  const block = r.block('clusters');
  if (block) {
    const data = (Array.isArray(raw.clusters) ? raw.clusters[0] : raw.clusters) as PluginData;
    for (const [id, v] of Object.entries(data)) {
      block.allow(id);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        r.problem(`clusters.${id} must be a block`);
        continue;
      }
      const cr = new ConfigReader(v as PluginData, `clusters.${id}.`);
      const cluster = readCluster(id, cr, notes);
      for (const p of cr.finish()) r.problem(p);
      clusters.push(cluster);
    }
  }
  if (clusters.length === 0) notes.push('No clusters configured, bundle will not be published');
  return r.result({ clusters, notes });
}
