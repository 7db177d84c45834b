import { Code, spireError } from '@spire-ts/core/plugin';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The coded errors that k8s_psat and k8s_sat share, with SPIRE's codes and messages (the wording
 * of a payload that does not decode differs between the two, as in SPIRE). One deliberate
 * difference: an API server that cannot be reached or does not answer in time gives UNAVAILABLE
 * (SPIRE says INTERNAL), with SPIRE's message. Each function returns a new error.
 */
export const TokenAttestationErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  badPayload: (what: string, cause: unknown) => spireError(Code.INVALID_ARGUMENT, `${what}: ${msg(cause)}`, cause),
  missingCluster: () => spireError(Code.INVALID_ARGUMENT, 'missing cluster in attestation data'),
  missingToken: () => spireError(Code.INVALID_ARGUMENT, 'missing token in attestation data'),
  /**
   * A failed API server call, `<text>: <cause's message>`: UNAVAILABLE when the cause is a
   * KubeApiError marked unavailable (unreachable, slow, overloaded: the agent retries), else
   * INTERNAL as in SPIRE.
   */
  apiFailure: (text: string, cause: unknown) => {
    const unavailable = (cause as { unavailable?: unknown } | null | undefined)?.unavailable === true;
    return spireError(unavailable ? Code.UNAVAILABLE : Code.INTERNAL, `${text}: ${msg(cause)}`, cause);
  },
} as const;
