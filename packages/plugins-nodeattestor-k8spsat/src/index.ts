import { defineNodeAttestor } from '@spire-ts/core/plugin';
import { parsePsatConfig, type PsatConfig } from './config.js';
import { kubeApi, type KubeApi } from './kube-api.js';
import { PsatAttestor } from './psat-attestor.js';

export type { PsatConfig, PsatClusterConfig } from './config.js';
export { PsatAttestor } from './psat-attestor.js';
export { kubeApi, type KubeApi } from './kube-api.js';
export { KubeApiError, DEFAULT_REQUEST_TIMEOUT_MS } from '@spire-ts/plugin-kube';

/**
 * The built-in NodeAttestor "k8s_psat": one API server client per configured cluster, each
 * reading its kubeconfig (or the in-cluster settings) at every attestation.
 */
export const k8sPsatNodeAttestor = defineNodeAttestor<PsatConfig>({
  name: 'k8s_psat',
  parseConfig: parsePsatConfig,
  create: ({ config, trustDomain, log }) => {
    const apis = new Map<string, KubeApi>();
    for (const [name, c] of config.clusters) apis.set(name, kubeApi(c.kubeConfigFile));
    return new PsatAttestor(config, trustDomain, apis, log);
  },
});
