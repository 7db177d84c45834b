import { Code, spireError } from '@spire-ts/core/plugin';

/**
 * Every coded error of the join_token attestor. The messages of refusals are SPIRE's, word for
 * word, so that an agent's log reads the same against either server. Each function returns a new
 * error; none throws.
 */
export const JoinTokenErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  unknownToken: () =>
    spireError(Code.INVALID_ARGUMENT, 'failed to attest: join token does not exist or has already been used'),
  expired: () => spireError(Code.INVALID_ARGUMENT, 'join token expired'),
  badTokenId: (cause: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `join token cannot form an agent ID: ${String((cause as Error).message ?? cause)}`, cause),
  noStore: () =>
    spireError(Code.FAILED_PRECONDITION, 'the join token store host service is not available yet'),
  storeFailed: (cause: unknown) =>
    spireError(Code.INTERNAL, `failed to consume join token: ${String((cause as Error).message ?? cause)}`, cause),
} as const;
