import { kubeErrorMessage } from '@spire-ts/plugin-kube';
import { formatPluginBundle, LastPublished, type BundlePublisher, type Logger, type PluginBundle } from '@spire-ts/core/plugin';
import type { ConfigMapWriter } from './configmap-apply.js';
import type { K8sConfigMapCluster } from './config.js';
import { K8sConfigMapErrors } from './errors.js';

/** One configured cluster with its writer. */
export interface PublishTarget {
  cluster: K8sConfigMapCluster;
  write: ConfigMapWriter;
}

/**
 * BundlePublisher "k8s_configmap": formats the bundle for each cluster (its own format and
 * refresh hint) and applies it into the cluster's ConfigMap. A bundle equal to the last one
 * published everywhere is not sent again; after any failure the next call publishes again.
 */
export class K8sConfigMapPublisher implements BundlePublisher {
  private readonly last = new LastPublished();

  constructor(
    private readonly targets: PublishTarget[],
    private readonly log: Logger,
  ) {}

  /** Throws INTERNAL naming every cluster that failed; the others are written. */
  async publishBundle(bundle: PluginBundle): Promise<void> {
    if (!bundle) throw K8sConfigMapErrors.missingBundle();
    if (this.last.same(bundle)) return;
    const problems: string[] = [];
    for (const { cluster: c, write } of this.targets) {
      const id = JSON.stringify(c.id);
      let text: string;
      try {
        text = formatPluginBundle(c.refreshHintSeconds ? { ...bundle, refreshHint: c.refreshHintSeconds } : bundle, c.format);
      } catch (err) {
        problems.push(`could not format bundle when publishing to cluster ${id}: ${(err as Error).message}`);
        continue;
      }
      try {
        await write(c.namespace, c.configMapName, c.configMapKey, text);
      } catch (err) {
        problems.push(`failed to apply ConfigMap for cluster ${id}: ${kubeErrorMessage(err)}`);
        continue;
      }
      this.log.debug(
        { cluster_id: c.id, format: c.format, kubeconfig_path: c.kubeConfigPath, namespace: c.namespace, configmap: c.configMapName, key: c.configMapKey },
        'Bundle published to Kubernetes ConfigMap',
      );
    }
    if (problems.length > 0) throw K8sConfigMapErrors.publish(problems);
    this.last.remember(bundle);
  }
}
