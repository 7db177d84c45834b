import { Code, spireError } from '@spire-ts/core/plugin';
import { TokenAttestationErrors } from '@spire-ts/plugin-kube';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Every coded error of the k8s_sat attestor, with SPIRE v1.11's codes and messages, besides those
 * it shares with k8s_psat (TokenAttestationErrors of @spire-ts/plugin-kube: the payload checks,
 * and UNAVAILABLE when the API server cannot be reached or does not answer in time). Each
 * function returns a new error.
 */
export const SatErrors = {
  unknownCluster: (c: string) => spireError(Code.INVALID_ARGUMENT, `not configured for cluster ${JSON.stringify(c)}`),
  tokenReview: (cause: unknown) => TokenAttestationErrors.apiFailure('unable to validate token with TokenReview API', cause),
  notAuthenticated: () => spireError(Code.PERMISSION_DENIED, 'token not authenticated according to TokenReview API'),
  username: (cause: unknown) => spireError(Code.INTERNAL, `fail to parse username from token review status: ${msg(cause)}`, cause),
  parseToken: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to parse token: ${msg(cause)}`, cause),
  verifyToken: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to verify token: ${detail}`),
  unknownAuthority: () => spireError(Code.INVALID_ARGUMENT, 'token signed by unknown authority'),
  claimsTime: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to validate token claims: ${detail}`),
  claims: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `error parsing token claims: ${msg(cause)}`, cause),
  serviceAccount: (sa: string) => spireError(Code.PERMISSION_DENIED, `${JSON.stringify(sa)} is not an allowed service account`),
} as const;
