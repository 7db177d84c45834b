import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of BundlePublisher "k8s_configmap" (messages as SPIRE's). */
export const K8sConfigMapErrors = {
  newClient: (id: string, detail: string) =>
    spireError(Code.INTERNAL, `failed to create Kubernetes client for cluster ${JSON.stringify(id)}: error getting kubeconfig: ${detail}`),
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  publish: (problems: string[]) => spireError(Code.INTERNAL, problems.join('\n')),
} as const;
