import { loadKubeConfig } from '@spire-ts/plugin-kube';
import { defineBundlePublisher } from '@spire-ts/core/plugin';
import { applyConfigMapWriter } from './configmap-apply.js';
import { parseK8sConfigMapConfig, type K8sConfigMapConfig } from './config.js';
import { K8sConfigMapErrors } from './errors.js';
import { K8sConfigMapPublisher, type PublishTarget } from './k8s-configmap-publisher.js';

export { K8sConfigMapPublisher, type PublishTarget } from './k8s-configmap-publisher.js';
export { applyConfigMapWriter, FIELD_MANAGER, type ConfigMapWriter } from './configmap-apply.js';
export { parseK8sConfigMapConfig, type K8sConfigMapConfig, type K8sConfigMapCluster } from './config.js';
export { K8sConfigMapErrors } from './errors.js';

/** The descriptor of BundlePublisher "k8s_configmap". */
export const k8sConfigMapBundlePublisher = defineBundlePublisher<K8sConfigMapConfig>({
  name: 'k8s_configmap',
  parseConfig: (raw) => parseK8sConfigMapConfig(raw),
  create: ({ config, log }) => {
    for (const note of config.notes) log.warn(note);
    const targets: PublishTarget[] = config.clusters.map((cluster) => {
      try {
        return { cluster, write: applyConfigMapWriter(loadKubeConfig(cluster.kubeConfigPath)) };
      } catch (err) {
        throw K8sConfigMapErrors.newClient(cluster.id, (err as Error).message);
      }
    });
    return new K8sConfigMapPublisher(targets, log);
  },
});
