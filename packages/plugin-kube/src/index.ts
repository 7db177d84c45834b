import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The client configuration of one cluster: the kubeconfig file at `path` (its current context),
 * or, when `path` is empty, the pod's in-cluster service account as client-go's
 * InClusterConfig reads it. Throws when neither can be loaded.
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

/** The HTTP status of a Kubernetes API error, if it is one. */
export function kubeStatusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The message of a Kubernetes API error as client-go prints it: the `message` of the returned
 * Status object (`configmaps "x" not found`), else the HTTP reason, else the error's own text.
 */
export function kubeErrorMessage(err: unknown): string {
  const e = err as { code?: unknown; body?: unknown; message?: unknown } | undefined;
  if (e && typeof e.code === 'number') {
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // not a Status object
      }
    }
    const m = (body as { message?: unknown } | undefined)?.message;
    if (typeof m === 'string' && m) return m;
    if (e.code === 401) return 'Unauthorized';
    return `the server responded with HTTP ${e.code}`;
  }
  return e instanceof Error ? e.message : String(err);
}
