import { Code, spireError } from '../../errors.js';

/** Coded errors of the in-process KeyManager base (messages as SPIRE's keymanager base). */
export const KeyManagerErrors = {
  keyIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'key id is required'),
  keyTypeRequired: () => spireError(Code.INVALID_ARGUMENT, 'key type is required'),
  unknownKeyType: (keyId: string, keyType: string) =>
    spireError(Code.INVALID_ARGUMENT, `unable to generate key "${keyId}" for unknown key type "${keyType}"`),
  signerOptsRequired: () => spireError(Code.INVALID_ARGUMENT, 'signer opts is required'),
  hashAlgorithmRequired: () => spireError(Code.INVALID_ARGUMENT, 'hash algorithm is required'),
  badDigest: (hash: string, want: number, got: number) =>
    spireError(Code.INVALID_ARGUMENT, `data must be a ${hash} digest of ${want} bytes; got ${got} bytes`),
  noSuchKey: (keyId: string) => spireError(Code.NOT_FOUND, `no such key "${keyId}"`),
  signFailed: (keyId: string, cause: unknown) =>
    spireError(
      Code.INTERNAL,
      `keypair "${keyId}" signing operation failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    ),
  generateFailed: (keyId: string, cause: unknown) =>
    spireError(
      Code.INTERNAL,
      `unable to generate key "${keyId}": ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    ),
  persistFailed: (cause: unknown) =>
    spireError(
      Code.INTERNAL,
      `unable to write entries: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    ),
} as const;
