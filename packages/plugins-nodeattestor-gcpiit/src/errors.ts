import { Code, spireError } from '@spire-ts/core/plugin';
import { googleErrorText, isGoogleUnavailable } from '@spire-ts/plugin-gcp';

/** INTERNAL as SPIRE, or UNAVAILABLE when Google could not be reached or did not answer in time. */
function googleFailure(text: string, cause: unknown) {
  return spireError(isGoogleUnavailable(cause) ? Code.UNAVAILABLE : Code.INTERNAL, `${text}: ${googleErrorText(cause)}`, cause);
}

/**
 * Every coded error of gcp_iit, with SPIRE's codes and messages. Deliberate differences: a Google
 * endpoint that cannot be reached or times out gives UNAVAILABLE; a failed certificate download
 * is named (SPIRE returns the bare error). Each function returns a new error.
 */
export const GcpIitErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  parse: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to parse the identity token: ${detail}`),
  signature: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to validate the identity token signature: ${detail}`),
  claims: (detail: string) => spireError(Code.PERMISSION_DENIED, `failed to validate the identity token claims: ${detail}`),
  certs: (cause: unknown) => googleFailure('failed to retrieve the Google public keys', cause),
  projectNotAllowed: (project: string) => spireError(Code.PERMISSION_DENIED, `identity token project ID ${JSON.stringify(project)} is not in the allow list`),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to create agent ID: ${googleErrorText(cause)}`, cause),
  instanceMetadata: (cause: unknown) => googleFailure('failed to fetch instance metadata', cause),
  metadataTooLarge: (key: string, size: number, max: number) =>
    spireError(Code.INTERNAL, `metadata ${JSON.stringify(key)} exceeded value limit (${size} > ${max})`),
} as const;
