import { Code, spireError } from '@spire-ts/core/plugin';

/** Coded errors of CredentialComposer "uniqueid" (messages as SPIRE's). */
export const UniqueIdErrors = {
  missingSpiffeId: () => spireError(Code.INVALID_ARGUMENT, 'request missing SPIFFE ID'),
  malformedSpiffeId: (detail: string) => spireError(Code.INVALID_ARGUMENT, `malformed SPIFFE ID: ${detail}`),
} as const;
