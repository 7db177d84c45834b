import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The client configuration of one cluster: the kubeconfig file at `path` (its current context),
 * or, when `path` is empty, the pod's in-cluster service account and
 * KUBERNETES_SERVICE_HOST/PORT as client-go's InClusterConfig reads them. Reads the files at each
 * call, so calling it again picks up a rotated token or an edited kubeconfig. Throws Error when
 * neither can be loaded, or when the kubeconfig has no current cluster.
 */
export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    kc.loadFromFile(path);
    if (!kc.getCurrentCluster()) throw new Error(`kubeconfig ${path} has no current cluster`);
    return kc;
  }
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
  }
  if (!existsSync(SA_TOKEN)) throw new Error(`open ${SA_TOKEN}: no such file or directory`);
  kc.loadFromCluster();
  return kc;
}
