import { Code, spireError } from '@spire-ts/core/plugin';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Every coded error of the sshpop attestor. Messages are SPIRE's. SPIRE returns Internal for all
 * of them; here malformed input is InvalidArgument and a failed check is PermissionDenied, so that
 * a refused agent is never logged as a server fault. Each function returns a new error; none throws.
 */
export const SshpopErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  badPayload: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal data: ${msg(cause)}`, cause),
  noCertificate: () => spireError(Code.INVALID_ARGUMENT, 'no certificate in response'),
  badPublicKey: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to parse public key: ${msg(cause)}`, cause),
  notACertificate: () => spireError(Code.INVALID_ARGUMENT, 'pubkey in response is not a certificate'),
  noPrincipals: () => spireError(Code.PERMISSION_DENIED, 'cert has no valid principals'),
  hostKey: (detail: string) => spireError(Code.PERMISSION_DENIED, `failed to check host key: ${detail}`),
  decanonicalize: (domain: string) =>
    spireError(Code.PERMISSION_DENIED, `failed to decanonicalize hostname: cert principal is not in domain ".${domain}"`),
  badResponse: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal challenge response: ${msg(cause)}`, cause),
  nonces: (detail: string) => spireError(Code.PERMISSION_DENIED, `failed to combine nonces: ${detail}`),
  signature: (detail: string) => spireError(Code.PERMISSION_DENIED, `failed to verify signature: ${detail}`),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to create AgentID: ${msg(cause)}`, cause),
} as const;
