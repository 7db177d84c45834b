import { Observable, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware } from '@kubernetes/client-node';
import { KubeApiError, kubeErrorMessage, kubeUnavailable } from './api-errors.js';
import { loadKubeConfig } from './kube-config.js';

/** How long one API server request may take before it fails as unavailable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A generated API client of one cluster, made from the configuration loadKubeConfig reads now
 * (so each call picks up a rotated token or an edited kubeconfig). Throws KubeApiError (not
 * unavailable) with the wording of SPIRE's apiserver client when the configuration cannot be
 * loaded.
 */
export function kubeClient<T>(kubeConfigFile: string, make: (kc: KubeConfig) => T): T {
  try {
    return make(loadKubeConfig(kubeConfigFile));
  } catch (err) {
    throw new KubeApiError(`unable to get clientset: unable to create client config: ${(err as Error).message}`, false);
  }
}

/**
 * Runs one API call with a deadline: the request is aborted (and the promise settles) after
 * `timeoutMs`, so a slow or stalled API server never holds the caller. `call` must pass the
 * options it is given to the generated client's method. Throws KubeApiError whose message is
 * `<what>: <kubeErrorMessage>` (or `<what>: no answer from the API server within <n>ms`), marked
 * unavailable as kubeUnavailable says, and always after a timeout.
 */
export async function kubeRequest<T>(what: string, timeoutMs: number, call: (opts: ConfigurationOptions) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
      reject(new Error('deadline'));
    }, timeoutMs);
  });
  // The generated client's per-call middleware is Observable-based; this one hands every
  // request the abort signal.
  const signal: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(ac.signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new Observable(Promise.resolve(ctx)),
  };
  const opts: ConfigurationOptions = { middleware: [signal], middlewareMergeStrategy: 'append' };
  try {
    return await Promise.race([call(opts), deadline]);
  } catch (err) {
    if (timedOut) throw new KubeApiError(`${what}: no answer from the API server within ${timeoutMs}ms`, true);
    throw new KubeApiError(`${what}: ${kubeErrorMessage(err)}`, kubeUnavailable(err));
  } finally {
    clearTimeout(timer);
  }
}
