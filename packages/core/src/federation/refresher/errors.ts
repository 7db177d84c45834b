import { Code, spireError } from '../../errors.js';

/** Coded errors of the federated bundle refresher (messages follow SPIRE's bundle client where it has one). */
export const RefresherErrors = {
  notManaged: (trustDomain: string) => spireError(Code.NOT_FOUND, `no relationship with trust domain "${trustDomain}"`),
  noEndpointBundle: () => spireError(Code.FAILED_PRECONDITION, "can't perform SPIFFE Authentication: local copy of bundle not found"),
  noEndpointRoots: () => spireError(Code.FAILED_PRECONDITION, "can't perform SPIFFE Authentication: local copy of bundle has no X.509 authorities"),
  /** Any failure to get a document from the endpoint; `reason` says what went wrong. */
  fetchFailed: (url: string, reason: string, cause?: unknown) => spireError(Code.UNAVAILABLE, `failed to fetch bundle from ${url}: ${reason}`, cause),
  storeFailed: (cause: unknown) => spireError(Code.INTERNAL, `failed to store fetched federated bundle: ${(cause as Error)?.message ?? String(cause)}`, cause),
  localFetchFailed: (trustDomain: string, cause: unknown) =>
    spireError(Code.INTERNAL, `failed to fetch local copy of bundle for "${trustDomain}": ${(cause as Error)?.message ?? String(cause)}`, cause),
} as const;
