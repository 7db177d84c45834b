import { Code, spireError, type ServerIdErrors } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of KeyManager "hashicorp_vault" (SPIRE's messages). */
export const HashicorpVaultErrors = {
  keyIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'key id is required'),
  keyTypeRequired: () => spireError(Code.INVALID_ARGUMENT, 'key type is required'),
  /** A key type the contract does not know, asked of generateKey. */
  unknownKeyType: (t: string) => spireError(Code.INVALID_ARGUMENT, `unsupported key type: ${t}`),
  /** A Transit key whose type SPIRE does not use. */
  unsupportedKeyType: (t: string) => spireError(Code.INTERNAL, `unsupported key type: ${t}`),
  badSignerOpts: (detail: string) => spireError(Code.INVALID_ARGUMENT, detail),
  createdKeyMismatch: (name: string) => spireError(Code.INTERNAL, `created key ${JSON.stringify(name)} does not match server ID`),
  notConfigured: () => spireError(Code.FAILED_PRECONDITION, 'plugin not configured'),
  /** Transit calls and answers. */
  transit: (message: string, cause?: unknown) => spireError(Code.INTERNAL, cause === undefined ? message : `${message}: ${msg(cause)}`, cause),
  serverId: {
    readServerId: (cause: unknown) => spireError(Code.INTERNAL, `failed to read server ID from path: ${msg(cause)}`, cause),
    parseServerId: (content: string) => spireError(Code.INTERNAL, `failed to parse server ID from path: invalid UUID ${JSON.stringify(content)}`),
    persistServerId: (cause: unknown) => spireError(Code.INTERNAL, `failed to persist server ID on path: ${msg(cause)}`, cause),
  } satisfies ServerIdErrors,
} as const;
