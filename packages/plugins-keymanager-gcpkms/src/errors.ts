import { Code, spireError } from '@spire-ts/core/plugin';
import { googleErrorText, isGoogleUnavailable } from '@spire-ts/plugin-gcp';

const text = (e: unknown) => googleErrorText(e);

/** INTERNAL as SPIRE, or UNAVAILABLE when Cloud KMS could not be reached or did not answer in time. */
function kmsFailure(message: string, cause: unknown) {
  return spireError(isGoogleUnavailable(cause) ? Code.UNAVAILABLE : Code.INTERNAL, `${message}: ${text(cause)}`, cause);
}

/**
 * Every coded error of gcp_kms, with SPIRE's codes and messages; a Cloud KMS that cannot be
 * reached or times out gives UNAVAILABLE instead of INTERNAL. Each function returns a new error.
 */
export const GcpKmsErrors = {
  keyIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'key id is required'),
  keyTypeRequired: () => spireError(Code.INVALID_ARGUMENT, 'key type is required'),
  pssUnsupported: () => spireError(Code.INVALID_ARGUMENT, 'the only RSA signature scheme supported is RSASSA-PKCS1-v1_5'),
  hashRequired: () => spireError(Code.INVALID_ARGUMENT, 'hash algorithm is required'),
  hashUnsupported: () => spireError(Code.INVALID_ARGUMENT, 'hash algorithm not supported'),
  generateKey: (cause: unknown) => kmsFailure('failed to generate key', cause),
  unsupportedKeyType: (t: string) => spireError(Code.INVALID_ARGUMENT, `failed to generate key: unsupported key type ${JSON.stringify(t)}`),
  sign: (cause: unknown) => kmsFailure('failed to sign', cause),
  signCorrupted: () => spireError(Code.INTERNAL, 'error signing: response corrupted in-transit'),
  listKeys: (cause: unknown) => kmsFailure('failed to list SPIRE Server keys in Cloud KMS', cause),
  fetchEntries: (cause: unknown) => kmsFailure('failed to fetch entries', cause),
  readPolicyFile: (cause: unknown) => spireError(Code.INTERNAL, `could not parse policy file: ${text(cause)}`, cause),
  readServerId: (cause: unknown) => spireError(Code.INTERNAL, `failed to read server ID from path: ${text(cause)}`, cause),
  parseServerId: (content: string) => spireError(Code.INTERNAL, `failed to parse server ID from path: invalid UUID ${JSON.stringify(content)}`),
  persistServerId: (cause: unknown) => spireError(Code.INTERNAL, `failed to persist server ID on path: ${text(cause)}`, cause),
} as const;
