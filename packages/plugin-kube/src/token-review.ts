import { AuthenticationV1Api } from '@kubernetes/client-node';
import { DEFAULT_REQUEST_TIMEOUT_MS, kubeClient, kubeRequest } from './request.js';

/** The parts of a TokenReview's status the token attestors read (authentication.k8s.io/v1). */
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
 * The TokenReview API of one cluster (RBAC: tokenreviews create). Throws KubeApiError with the
 * wording of SPIRE's apiserver client, never waiting longer than the client's timeout.
 */
export interface TokenReviewer {
  reviewToken(token: string, audiences: string[]): Promise<TokenReviewStatus>;
}

/**
 * The TokenReviewer of one cluster through @kubernetes/client-node. Holds no connection open;
 * each call loads the configuration again (loadKubeConfig). Safe to use concurrently.
 */
export function tokenReviewer(kubeConfigFile: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): TokenReviewer {
  return {
    async reviewToken(token, audiences) {
      const api = kubeClient(kubeConfigFile, (kc) => kc.makeApiClient(AuthenticationV1Api));
      const review = await kubeRequest('unable to query token review API', timeoutMs, (opts) =>
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
