import { Code, spireError } from '@spire-ts/core/plugin';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Every coded error of the x509pop attestor, with SPIRE's codes and messages so that an agent's
 * log reads the same against either server. Each function returns a new error; none throws.
 */
export const X509popErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  badPayload: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to unmarshal data: ${msg(cause)}`, cause),
  noCertificate: () => spireError(Code.INVALID_ARGUMENT, 'no certificate to attest'),
  tooManyIntermediates: () => spireError(Code.INVALID_ARGUMENT, 'too many intermediate certificates'),
  badLeaf: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to parse leaf certificate: ${msg(cause)}`, cause),
  leafKeyTooLarge: () => spireError(Code.INVALID_ARGUMENT, 'leaf certificate key size too large'),
  badIntermediate: (i: number, cause: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `unable to parse intermediate certificate ${i}: ${msg(cause)}`, cause),
  intermediateKeyTooLarge: (i: number) => spireError(Code.INVALID_ARGUMENT, `intermediate certificate ${i} key size too large`),
  trustBundle: (cause: unknown) => spireError(Code.INTERNAL, `failed to get trust bundle: ${msg(cause)}`, cause),
  verification: (detail: string) => spireError(Code.PERMISSION_DENIED, `certificate verification failed: ${detail}`),
  noClientIp: () => spireError(Code.INTERNAL, 'client IP not available for verification'),
  badClientIp: (ip: string) => spireError(Code.INTERNAL, `invalid client IP "${ip}"`),
  clientIpMismatch: (ip: string) => spireError(Code.PERMISSION_DENIED, `client IP ${ip} does not match any certificate IP SAN`),
  challenge: (detail: string) => spireError(Code.INTERNAL, `unable to generate challenge: ${detail}`),
  badResponse: (cause: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `unable to unmarshal challenge response: ${msg(cause)}`, cause),
  responseRejected: (detail: string) => spireError(Code.PERMISSION_DENIED, `challenge response verification failed: ${detail}`),
  noSvid: () => spireError(Code.PERMISSION_DENIED, 'valid SVID x509 cert not found'),
  svidPrefix: () => spireError(Code.PERMISSION_DENIED, 'x509 cert doesnt match SVID prefix'),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to make spiffe id: ${msg(cause)}`, cause),
} as const;
