import { Code, spireError } from '@spire-ts/core/plugin';

function msg(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Every coded error of the tpm_devid attestor. Codes and messages are SPIRE's where SPIRE has the
 * check; the hardening checks SPIRE lacks (payload and chain caps, the DevID certificate key
 * against DevIDPub, the AK and DevID key attributes) use the same codes and wrappers. Each
 * function returns a new error; none throws.
 */
export const TpmDevidErrors = {
  missingPayload: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation payload'),
  payloadTooLarge: (size: number, max: number) =>
    spireError(Code.INVALID_ARGUMENT, `attestation payload of ${size} bytes exceeds the limit of ${max} bytes`),
  badPayload: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to unmarshall attestation data: ${msg(cause)}`, cause),
  noDevIdCert: () => spireError(Code.INVALID_ARGUMENT, 'no DevID certificate to attest'),
  chainTooLong: (n: number, max: number) =>
    spireError(Code.INVALID_ARGUMENT, `DevID certificate chain of ${n} certificates exceeds the limit of ${max}`),
  badDevIdCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to parse DevID certificate: ${msg(cause)}`, cause),
  badIntermediate: (i: number, cause: unknown) =>
    spireError(Code.INVALID_ARGUMENT, `unable to parse DevID intermediate certificate ${i}: ${msg(cause)}`, cause),
  devIdChain: (detail: string) => spireError(Code.INVALID_ARGUMENT, `unable to verify DevID signature: verification failed: ${detail}`),
  missingAkPub: () => spireError(Code.INVALID_ARGUMENT, 'missing attestation key public blob'),
  missingDevIdPub: () => spireError(Code.INVALID_ARGUMENT, 'missing DevID key public blob'),
  missingEkCert: () => spireError(Code.INVALID_ARGUMENT, 'missing endorsement certificate'),
  missingEkPub: () => spireError(Code.INVALID_ARGUMENT, 'missing endorsement key public blob'),
  badEkCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `cannot parse endorsement certificate: ${msg(cause)}`, cause),
  badDevIdPub: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `cannot decode DevID key public blob: ${msg(cause)}`, cause),
  badAkPub: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `cannot decode attestation key public blob: ${msg(cause)}`, cause),
  badEkPub: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, 'cannot decode endorsement key public blob', cause),
  devIdKeyMismatch: () => spireError(Code.INVALID_ARGUMENT, 'public key in DevID certificate differs from DevID key public blob'),
  ekMismatch: (detail: string) =>
    spireError(Code.INVALID_ARGUMENT, `public key in EK certificate differs from public key created via EK template: ${detail}`),
  ekChain: (detail: string) =>
    spireError(Code.INVALID_ARGUMENT, `cannot verify EK signature: endorsement certificate verification failed: ${detail}`),
  certify: (detail: string) => spireError(Code.INVALID_ARGUMENT, `cannot verify that DevID is in the same TPM than AK: ${detail}`),
  credentialChallenge: (cause: unknown) =>
    spireError(Code.INTERNAL, `cannot generate credential activation challenge: ${msg(cause)}`, cause),
  badResponse: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to unmarshall challenges response: ${msg(cause)}`, cause),
  devIdChallenge: (detail: string) => spireError(Code.INVALID_ARGUMENT, `devID challenge verification failed: ${detail}`),
  credentialActivation: (detail: string) => spireError(Code.INVALID_ARGUMENT, `credential activation failed: ${detail}`),
  agentId: (cause: unknown) => spireError(Code.INTERNAL, `failed to create agent ID: ${msg(cause)}`, cause),
} as const;
