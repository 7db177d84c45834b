import { Code, spireError } from '@spire-ts/core/plugin';
import { TokenAttestationErrors } from '@spire-ts/plugin-kube';

const q = (s: string) => JSON.stringify(s);

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

const { apiFailure } = TokenAttestationErrors;

/**
 * Every coded error of the k8s_psat attestor, with SPIRE's codes and messages, besides those it
 * shares with k8s_sat (TokenAttestationErrors of @spire-ts/plugin-kube: the payload checks, and
 * UNAVAILABLE when the API server cannot be reached or does not answer in time). Each function
 * returns a new error.
 */
export const PsatErrors = {
  unknownCluster: (c: string) => spireError(Code.INVALID_ARGUMENT, `not configured for cluster ${q(c)}`),
  tokenReview: (c: string, cause: unknown) => apiFailure(`unable to validate token with TokenReview API for cluster ${q(c)}`, cause),
  notAuthenticated: (c: string) => spireError(Code.PERMISSION_DENIED, `token not authenticated according to TokenReview API for cluster ${q(c)}`),
  username: (c: string, cause: unknown) => spireError(Code.INTERNAL, `failed to parse username from token review status for cluster ${q(c)}: ${msg(cause)}`, cause),
  serviceAccount: (sa: string, c: string) => spireError(Code.PERMISSION_DENIED, `${q(sa)} is not an allowed service account for cluster ${q(c)}`),
  podName: (c: string, cause: unknown) => spireError(Code.INTERNAL, `failed to get pod name from token review status for cluster ${q(c)}: ${msg(cause)}`, cause),
  podUid: (c: string, cause: unknown) => spireError(Code.INTERNAL, `failed to get pod UID from token review status for cluster ${q(c)}: ${msg(cause)}`, cause),
  getPod: (c: string, cause: unknown) => apiFailure(`failed to get pod from k8s API server for cluster ${q(c)}`, cause),
  podUidMismatch: (pod: string, c: string, uid: string) =>
    spireError(Code.PERMISSION_DENIED, `pod UID mismatch for pod ${q(pod)} in cluster ${q(c)}: token bound to pod UID ${q(uid)}`),
  getNode: (c: string, cause: unknown) => apiFailure(`failed to get node from k8s API server for cluster ${q(c)}`, cause),
  emptyNodeUid: (c: string) => spireError(Code.INTERNAL, `node UID is empty for cluster ${q(c)}`),
} as const;
