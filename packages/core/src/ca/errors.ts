import { Code, SpireError, spireError } from '../errors.js';

/**
 * A CSR the CA refused (INVALID_ARGUMENT): `kind` tells it from any other signing failure and
 * `detail` is the reason alone, so a caller need not know how the CA words it.
 */
export class BadCsrError extends SpireError {
  readonly kind = 'bad-csr';

  constructor(readonly detail: string) {
    super(Code.INVALID_ARGUMENT, `invalid CSR: ${detail}`);
  }
}

/** Coded errors of the CA (messages follow SPIRE's where SPIRE has one). */
export const CAErrors = {
  noX509CA: () => spireError(Code.UNAVAILABLE, 'X509 CA is not available for signing'),
  noJWTKey: () => spireError(Code.UNAVAILABLE, 'JWT key is not available for signing'),
  badSvidId: (what: string, detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid ${what} ID: ${detail}`),
  noAudience: () => spireError(Code.INVALID_ARGUMENT, 'invalid JWT-SVID audience: cannot be empty'),
  noPublicKey: () => spireError(Code.INVALID_ARGUMENT, 'invalid X509-SVID request: a CSR or a public key is required'),
  badCsr: (detail: string): SpireError => new BadCsrError(detail),
  noDownstreamSigner: () => spireError(Code.UNAVAILABLE, 'no active X.509 authority'),
  malformedDownstreamCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `malformed CSR: ${detail}`),
  signFailed: (detail: string) => spireError(Code.INTERNAL, `failed to sign X509-SVID: ${detail}`),
  badConfig: (problems: string[]) => spireError(Code.INVALID_ARGUMENT, `invalid CA configuration: ${problems.join('; ')}`),
  upstreamFailed: (detail: string, cause?: unknown) => spireError(Code.INTERNAL, `upstream authority failed: ${detail}`, cause),
  backlogFull: (asked: number, pending: number, limit: number) =>
    spireError(
      Code.RESOURCE_EXHAUSTED,
      `the server is overloaded: ${asked} SVID(s) asked while ${pending} wait to be signed (experimental.max_pending_svids = ${limit}); retry later`,
    ),
  upstreamInvalid: (detail: string) => spireError(Code.INTERNAL, `invalid upstream-signed X509 CA: ${detail}`),
  /** An upstream-signed CA that failed the check before use; `detail` is what the check says. */
  upstreamCAFailedValidation: (detail: string) => spireError(Code.INVALID_ARGUMENT, `X509 CA minted by upstream authority is invalid: ${detail}`),
  /** A self-signed CA that failed the check before use (worded as SPIRE words its self-signed check). */
  selfSignedCAFailedValidation: (detail: string) => spireError(Code.INTERNAL, detail),
  /** A SPIFFE bundle document that breaks a rule; `detail` names the key at fault (`keys[0]: missing use`). */
  badBundleDocument: (detail: string) => spireError(Code.INVALID_ARGUMENT, detail),
  bundleDocumentTooLarge: (maxBytes: number) => spireError(Code.INVALID_ARGUMENT, `bundle document is larger than ${maxBytes} bytes`),
} as const;
