import { Code, spireError } from '@spire-ts/core/plugin';

/** Coded errors of KeyManager "disk". */
export const DiskKeyManagerErrors = {
  readFailed: (path: string, cause: unknown) =>
    spireError(Code.INTERNAL, `unable to read keys file "${path}": ${cause instanceof Error ? cause.message : String(cause)}`, cause),
  decodeFailed: (path: string, detail: string) =>
    spireError(Code.INTERNAL, `unable to decode keys JSON in "${path}": ${detail}`),
  parseKeyFailed: (id: string, cause: unknown) =>
    spireError(Code.INTERNAL, `unable to parse key "${id}": ${cause instanceof Error ? cause.message : String(cause)}`, cause),
  writeFailed: (path: string, cause: unknown) =>
    spireError(Code.INTERNAL, `unable to write entries to "${path}": ${cause instanceof Error ? cause.message : String(cause)}`, cause),
} as const;
