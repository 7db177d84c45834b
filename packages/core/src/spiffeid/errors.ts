/** The messages of SPIFFE ID and trust domain parse failures (the same wording as go-spiffe). */
export const IdErrors = {
  empty: 'cannot be empty',
  badScheme: 'scheme is missing or invalid',
  missingTrustDomain: 'trust domain is missing',
  badTrustDomainChar: 'trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
  trustDomainTooLong: 'trust domain cannot be longer than 255 bytes',
  idTooLong: 'SPIFFE ID cannot be longer than 2048 bytes',
  emptySegment: 'path cannot contain empty segments',
  dotSegment: 'path cannot contain dot segments',
  trailingSlash: 'path cannot have a trailing slash',
  badPathChar: 'path segment characters are limited to letters, numbers, dots, dashes, and underscores',
  noLeadingSlash: 'path must have a leading slash',
} as const;

/** A SPIFFE ID or trust domain that breaks the SPIFFE-ID standard. */
export class SpiffeIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpiffeIdError';
  }
}
