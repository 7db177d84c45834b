import { CoreV1Api } from '@kubernetes/client-node';
import { DEFAULT_REQUEST_TIMEOUT_MS, KubeApiError, kubeClient, kubeRequest, tokenReviewer, type TokenReviewer } from '@spire-ts/plugin-kube';

/** The parts of a Pod the attestor reads. */
export interface PodInfo {
  uid: string;
  nodeName: string;
  hostIP: string;
  labels: Record<string, string>;
}

/** The parts of a Node the attestor reads. */
export interface NodeInfo {
  uid: string;
  labels: Record<string, string>;
}

/**
 * The narrow view of one cluster's API server that k8s_psat needs (its RBAC: tokenreviews create,
 * pods and nodes get). Every method throws KubeApiError, with the wording of SPIRE's apiserver
 * client, and never waits longer than the client's timeout.
 */
export interface KubeApi extends TokenReviewer {
  getPod(namespace: string, name: string): Promise<PodInfo>;
  getNode(name: string): Promise<NodeInfo>;
}

const strMap = (m: unknown): Record<string, string> => (m && typeof m === 'object' ? { ...(m as Record<string, string>) } : {});

/**
 * The KubeApi of one cluster through @kubernetes/client-node. Holds no connection open; each call
 * loads the configuration again. Safe to use concurrently.
 */
export function kubeApi(kubeConfigFile: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): KubeApi {
  return {
    ...tokenReviewer(kubeConfigFile, timeoutMs),
    async getPod(namespace, name) {
      if (namespace === '') throw new KubeApiError('empty namespace', false);
      if (name === '') throw new KubeApiError('empty pod name', false);
      const api = kubeClient(kubeConfigFile, (kc) => kc.makeApiClient(CoreV1Api));
      const pod = await kubeRequest('unable to query pods API', timeoutMs, (opts) => api.readNamespacedPod({ namespace, name }, opts));
      return { uid: pod.metadata?.uid ?? '', nodeName: pod.spec?.nodeName ?? '', hostIP: pod.status?.hostIP ?? '', labels: strMap(pod.metadata?.labels) };
    },
    async getNode(name) {
      if (name === '') throw new KubeApiError('empty node name', false);
      const api = kubeClient(kubeConfigFile, (kc) => kc.makeApiClient(CoreV1Api));
      const node = await kubeRequest('unable to query nodes API', timeoutMs, (opts) => api.readNode({ name }, opts));
      return { uid: node.metadata?.uid ?? '', labels: strMap(node.metadata?.labels) };
    },
  };
}
