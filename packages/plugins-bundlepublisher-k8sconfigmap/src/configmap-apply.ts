import { CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';

/** The field manager SPIRE's k8s_configmap applies with. */
export const FIELD_MANAGER = 'spire-bundlepublisher-k8s_configmap';

/** Writes one key of a ConfigMap. */
export type ConfigMapWriter = (namespace: string, name: string, key: string, value: string) => Promise<void>;

const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

/**
 * A writer that server-side applies `{data: {key: value}}` to the ConfigMap as
 * {@link FIELD_MANAGER} (without force), which creates the ConfigMap when it is missing.
 */
export function applyConfigMapWriter(kc: KubeConfig): ConfigMapWriter {
  const api = kc.makeApiClient(CoreV1Api);
  return async (namespace, name, key, value) => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { [key]: value } };
    await api.patchNamespacedConfigMap({ namespace, name, body, fieldManager: FIELD_MANAGER }, ssa);
  };
}
