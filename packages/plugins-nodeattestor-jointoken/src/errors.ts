import { Code, spireError } from '@spire-ts/core/plugin';

/**
 * Every coded error of the join_token plugin, in SPIRE's words. Each function returns a new
 * error; none throws.
 */
export const JoinTokenErrors = {
  inServer: () => spireError(Code.UNIMPLEMENTED, 'join token attestation is currently implemented within the server'),
} as const;
