import { Code, SpireError, spireError } from '../errors.js';

/**
 * How a signing step words a CSR it refuses (the worker's outcome strings start with it, and so
 * does `CAErrors.badCsr`): the one place that wording lives.
 */
export const BAD_CSR_PREFIX = 'invalid CSR: ';

/** Coded errors of the CA (messages follow SPIRE's where SPIRE has one). */
export const CAErrors = {
  noX509CA: () => spireError(Code.UNAVAILABLE, 'X509 CA is not available for signing'),
  noJWTKey: () => spireError(Code.UNAVAILABLE, 'JWT key is not available for signing'),
  badSvidId: (what: string, detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid ${what} ID: ${detail}`),
  noAudience: () => spireError(Code.INVALID_ARGUMENT, 'invalid JWT-SVID audience: cannot be empty'),
  noPublicKey: () => spireError(Code.INVALID_ARGUMENT, 'invalid X509-SVID request: a CSR or a public key is required'),
  badCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `${BAD_CSR_PREFIX}${detail}`),
  noDownstreamSigner: () => spireError(Code.UNAVAILABLE, 'no active X.509 authority'),
  malformedDownstreamCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `malformed CSR: ${detail}`),
  signFailed: (detail: string) => spireError(Code.INTERNAL, `failed to sign X509-SVID: ${detail}`),
  badConfig: (problems: string[]) => spireError(Code.INVALID_ARGUMENT, `invalid CA configuration: ${problems.join('; ')}`),
  noSuchAuthority: (kind: string, id: string) => spireError(Code.NOT_FOUND, `no ${kind} authority found with ID "${id}"`),
  authorityIsActive: (kind: string) => spireError(Code.FAILED_PRECONDITION, `unable to use the current active ${kind} authority`),
  authorityNotOld: (kind: string) => spireError(Code.FAILED_PRECONDITION, `only an old ${kind} authority can be revoked`),
  noPreparedAuthority: (kind: string) => spireError(Code.FAILED_PRECONDITION, `no prepared ${kind} authority found`),
  notUpstream: () => spireError(Code.FAILED_PRECONDITION, 'no upstream authority is configured'),
  upstreamFailed: (detail: string, cause?: unknown) => spireError(Code.INTERNAL, `upstream authority failed: ${detail}`, cause),
  upstreamInvalid: (detail: string) => spireError(Code.INTERNAL, `invalid upstream-signed X509 CA: ${detail}`),
} as const;

/** Why the CA refused a CSR, when `err` is a `CAErrors.badCsr`; undefined for any other error. */
export function badCsrDetail(err: unknown): string | undefined {
  if (!(err instanceof SpireError) || err.code !== Code.INVALID_ARGUMENT || !err.message.startsWith(BAD_CSR_PREFIX)) return undefined;
  return err.message.slice(BAD_CSR_PREFIX.length);
}
