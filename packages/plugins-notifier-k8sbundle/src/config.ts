import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';

/** One cluster the notifier keeps the bundle current in. */
export interface K8sBundleCluster {
  /** Namespace of the ConfigMap (default `spire`). */
  namespace: string;
  /** Name of the ConfigMap (default `spire-bundle`). */
  configMap: string;
  /** Key in the ConfigMap's data that holds the PEM bundle (default `bundle.crt`). */
  configMapKey: string;
  /** Label whose value `true` marks the Mutating/ValidatingWebhookConfigurations to keep current; empty for none. */
  webhookLabel: string;
  /** Label whose value `true` marks the APIServices to keep current; empty for none. */
  apiServiceLabel: string;
  /** Kubeconfig file; empty means the in-cluster service account. */
  kubeConfigFilePath: string;
}

/** Options of Notifier "k8sbundle": the clusters, root one first when it is in use. */
export interface K8sBundleConfig {
  clusters: K8sBundleCluster[];
}

const DEFAULTS = { namespace: 'spire', configMap: 'spire-bundle', configMapKey: 'bundle.crt' } as const;

const KEYS = ['namespace', 'config_map', 'config_map_key', 'webhook_label', 'api_service_label', 'kube_config_file_path'] as const;

function readCluster(r: ConfigReader): K8sBundleCluster {
  const s = (k: string) => r.string(k) ?? '';
  return {
    namespace: s('namespace') || DEFAULTS.namespace,
    configMap: s('config_map') || DEFAULTS.configMap,
    configMapKey: s('config_map_key') || DEFAULTS.configMapKey,
    webhookLabel: s('webhook_label'),
    apiServiceLabel: s('api_service_label'),
    kubeConfigFilePath: s('kube_config_file_path'),
  };
}

/**
 * Reads plugin_data as SPIRE's k8sbundle does. The root level describes one cluster; `clusters`
 * is a list of more clusters of the same shape, each of which must set `kube_config_file_path`.
 * The root cluster is used (with its defaults) when any root key is set or when there is no
 * `clusters` list; empty strings count as unset and take the defaults. Collects every problem,
 * each naming its option.
 */
export function parseK8sBundleConfig(raw: PluginData): ParseResult<K8sBundleConfig> {
  const r = new ConfigReader(raw);
  const rootSet = KEYS.some((k) => typeof raw[k] === 'string' && raw[k] !== '');
  const root = readCluster(r);
  const clusters: K8sBundleCluster[] = [];
  r.allow('clusters');
  const list = raw.clusters;
  if (list !== undefined && list !== null && !(Array.isArray(list) && list.every((c) => typeof c === 'object' && c !== null && !Array.isArray(c)))) {
    r.problem('clusters must be a list of cluster blocks');
  } else if (Array.isArray(list)) {
    list.forEach((c, i) => {
      const cr = new ConfigReader(c as PluginData, `clusters[${i}].`);
      const cluster = readCluster(cr);
      if (!cluster.kubeConfigFilePath) cr.problem('cluster configuration is missing kube_config_file_path');
      for (const p of cr.finish()) r.problem(p);
      clusters.push(cluster);
    });
  }
  const useRoot = rootSet || clusters.length === 0;
  return r.result({ clusters: useRoot ? [root, ...clusters] : clusters });
}
