import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Every coded error of the http_challenge attestor, with SPIRE's codes and messages. Each
 * function returns a new error.
 */
export const HttpChallengeErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  unmarshal: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal data: ${detail}`),
  portNotAllowed: (port: number) => spireError(Code.INVALID_ARGUMENT, `port ${port} is not allowed to be used by this server`),
  nonRootPort: (port: number) => spireError(Code.INVALID_ARGUMENT, `port ${port} is not allowed to be >= 1024`),
  invalidAgentName: () => spireError(Code.INVALID_ARGUMENT, 'agent name is not valid'),
  localhost: () => spireError(Code.PERMISSION_DENIED, 'you can not use localhost as a hostname'),
  hostnameNotAllowed: () => spireError(Code.PERMISSION_DENIED, 'the requested hostname is not allowed to connect'),
  /** The fetch of the nonce failed or did not hold it; `detail` says why. */
  verification: (detail: string, cause?: unknown) => spireError(Code.PERMISSION_DENIED, `challenge verification failed: ${detail}`, cause),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to make spiffe id: ${msg(cause)}`, cause),
} as const;
