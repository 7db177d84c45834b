import { Code, spireError } from '@spire-ts/core/plugin';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Every coded error of the k8s_sat attestor, with SPIRE v1.11's codes and messages. One deliberate
 * difference, as in k8s_psat: an API server that cannot be reached or does not answer in time
 * gives UNAVAILABLE (SPIRE says INTERNAL), with SPIRE's message. Each function returns a new error.
 */
export const SatErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  badPayload: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal attestation data: ${msg(cause)}`, cause),
  missingCluster: () => spireError(Code.INVALID_ARGUMENT, 'missing cluster in attestation data'),
  missingToken: () => spireError(Code.INVALID_ARGUMENT, 'missing token in attestation data'),
  unknownCluster: (c: string) => spireError(Code.INVALID_ARGUMENT, `not configured for cluster ${JSON.stringify(c)}`),
  noAgentStore: () => spireError(Code.INTERNAL, 'required AgentStore host service not available'),
  agentInfo: (code: Code, cause: unknown) => spireError(code, `unable to get agent info: ${msg(cause)}`, cause),
  alreadyAttested: () => spireError(Code.PERMISSION_DENIED, 'attestation data has already been used to attest an agent'),
  tokenReview: (cause: unknown) => {
    const unavailable = (cause as { unavailable?: unknown })?.unavailable === true;
    return spireError(unavailable ? Code.UNAVAILABLE : Code.INTERNAL, `unable to validate token with TokenReview API: ${msg(cause)}`, cause);
  },
  notAuthenticated: () => spireError(Code.PERMISSION_DENIED, 'token not authenticated according to TokenReview API'),
  username: (cause: unknown) => spireError(Code.INTERNAL, `fail to parse username from token review status: ${msg(cause)}`, cause),
  parseToken: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to parse token: ${msg(cause)}`, cause),
  verifyToken: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to verify token: ${detail}`),
  unknownAuthority: () => spireError(Code.INVALID_ARGUMENT, 'token signed by unknown authority'),
  claimsTime: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to validate token claims: ${detail}`),
  claims: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `error parsing token claims: ${msg(cause)}`, cause),
  serviceAccount: (sa: string) => spireError(Code.PERMISSION_DENIED, `${JSON.stringify(sa)} is not an allowed service account`),
} as const;
