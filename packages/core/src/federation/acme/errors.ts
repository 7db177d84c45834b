import { Code, spireError } from '../../errors.js';

/**
 * Coded errors of the ACME identity of the bundle endpoint. The handshake refusals use the words
 * of SPIRE's autocert fork (`acme/autocert: ...`), so a SPIRE operator finds the same reason.
 */
export const AcmeErrors = {
  missingServerName: () => spireError(Code.INVALID_ARGUMENT, 'acme/autocert: missing server name'),
  badComponentCount: () => spireError(Code.INVALID_ARGUMENT, 'acme/autocert: server name component count invalid'),
  hostNotAllowed: (host: string) =>
    spireError(Code.PERMISSION_DENIED, `acme/autocert: host "${host}" not configured in HostWhitelist`),
  noTokenCert: (host: string) => spireError(Code.NOT_FOUND, `acme/autocert: no token cert for "${host}"`),
  noViableChallenge: (authzUrl: string, domain: string) =>
    spireError(
      Code.FAILED_PRECONDITION,
      `acme/autocert: unable to satisfy "${authzUrl}" for domain "${domain}": no viable challenge type found`,
    ),
  issuanceFailed: (domain: string, cause: unknown) =>
    spireError(
      Code.UNAVAILABLE,
      `acme/autocert: unable to obtain a certificate for "${domain}": ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    ),
  unsupportedClient: (detail: string) =>
    spireError(Code.INTERNAL, `acme-client does not offer what the KeyManager-held account key needs: ${detail}`),
} as const;
