import { existsSync } from 'node:fs';
import { AuthenticationV1Api, KubeConfig, Observable, type ConfigurationOptions, type ObservableMiddleware } from '@kubernetes/client-node';

/**
 * The parts of a TokenReview's status the attestor reads (authentication.k8s.io/v1). This client
 * mirrors k8s_psat's (plugin packages never import each other).
 */
export interface TokenReviewStatus {
  authenticated: boolean;
  /** user.username, e.g. `system:serviceaccount:<ns>:<sa>`. */
  username: string;
  /** user.extra, e.g. `authentication.kubernetes.io/pod-name`. */
  extra: Record<string, string[]>;
  audiences: string[];
  /** status.error; empty when the review itself did not fail. */
  error: string;
}

/**
 * An API server call that failed. `unavailable` is true when the server could not be reached,
 * did not answer in time, or answered that it is overloaded or unavailable (429, 502, 503, 504):
 * the attestor reports those as UNAVAILABLE so that an agent retries later.
 */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/**
 * The narrow view of one cluster's API server that k8s_sat needs (RBAC: tokenreviews create).
 * Throws KubeApiError with the wording of SPIRE's apiserver client, never waiting longer than the
 * client's timeout.
 */
export interface TokenReviewer {
  reviewToken(token: string, audiences: string[]): Promise<TokenReviewStatus>;
}

/** How long one API server request may take before the attestation fails as UNAVAILABLE. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads the client configuration as SPIRE does on every call (so a rotated in-cluster token or
 * an edited kubeconfig is picked up): the kubeconfig file when one is named, the in-cluster
 * service account and KUBERNETES_SERVICE_HOST/PORT otherwise. Throws Error.
 */
function loadKubeConfig(kubeConfigFile: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeConfigFile === '') {
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new Error('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined');
    }
    if (!existsSync(`${SA_DIR}/token`)) throw new Error(`open ${SA_DIR}/token: no such file or directory`);
    kc.loadFromCluster();
  } else {
    kc.loadFromFile(kubeConfigFile);
  }
  if (!kc.getCurrentCluster()) throw new Error(`no cluster in the current context of ${kubeConfigFile}`);
  return kc;
}

function statusMessage(body: unknown): string | undefined {
  let doc = body;
  if (typeof body === 'string') {
    try {
      doc = JSON.parse(body) as unknown;
    } catch {
      return body.trim() === '' ? undefined : body.trim();
    }
  }
  if (typeof doc === 'object' && doc !== null) {
    const m = (doc as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '') return m;
  }
  return undefined;
}

const UNAVAILABLE_HTTP = new Set([429, 502, 503, 504]);

/** A failed request as a KubeApiError whose message starts with `what`. */
function describeFailure(what: string, err: unknown, timedOut: boolean, timeoutMs: number): KubeApiError {
  if (timedOut) return new KubeApiError(`${what}: no answer from the API server within ${timeoutMs}ms`, true);
  const e = err as { code?: unknown; body?: unknown; message?: unknown; cause?: { message?: unknown } };
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) {
    // The generated client keeps no body for the status codes its API spec declares without
    // one (401); its own message then carries the status text ("Message: Unauthorized").
    const fromMessage = typeof e.message === 'string' ? /^Message: (.+)$/m.exec(e.message)?.[1] : undefined;
    const detail = statusMessage(e.body) ?? fromMessage ?? `the server responded with HTTP status ${e.code}`;
    return new KubeApiError(`${what}: ${detail}`, UNAVAILABLE_HTTP.has(e.code));
  }
  const msg = err instanceof Error ? err.message : String(err);
  const cause = typeof e?.cause?.message === 'string' ? `: ${e.cause.message}` : '';
  // undici's fetch fails with this TypeError when no HTTP answer came at all (refused, reset,
  // TLS, DNS): the server is not reachable. Anything else is a client-side problem.
  const unreachable = err instanceof TypeError && msg === 'fetch failed';
  return new KubeApiError(`${what}: ${msg}${cause}`, unreachable);
}

/**
 * Runs one API call with a deadline: the request is aborted (and the promise settles) after
 * `timeoutMs`, so a slow or stalled API server never holds an attestation open.
 */
async function withDeadline<T>(what: string, timeoutMs: number, call: (opts: ConfigurationOptions) => Promise<T>): Promise<T> {
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
    throw describeFailure(what, err, timedOut, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

function clientFor<T>(kubeConfigFile: string, make: (kc: KubeConfig) => T): T {
  try {
    return make(loadKubeConfig(kubeConfigFile));
  } catch (err) {
    throw new KubeApiError(`unable to get clientset: unable to create client config: ${(err as Error).message}`, false);
  }
}

/**
 * The TokenReviewer of one cluster through @kubernetes/client-node. Holds no connection open;
 * each call loads the configuration again. Safe to use concurrently.
 */
export function tokenReviewer(kubeConfigFile: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): TokenReviewer {
  return {
    async reviewToken(token, audiences) {
      const api = clientFor(kubeConfigFile, (kc) => kc.makeApiClient(AuthenticationV1Api));
      const review = await withDeadline('unable to query token review API', timeoutMs, (opts) =>
        api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } }, opts),
      );
      const s = review.status ?? {};
      return {
        authenticated: s.authenticated === true,
        username: s.user?.username ?? '',
        extra: { ...(s.user?.extra ?? {}) },
        audiences: s.audiences ?? [],
        error: s.error ?? '',
      };
    },
  };
}
