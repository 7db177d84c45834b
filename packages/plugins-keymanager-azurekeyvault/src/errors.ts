import { Code, spireError } from '@spire-ts/core/plugin';

const q = (s: string) => JSON.stringify(s);

/**
 * The text of an Azure SDK error: `<code>: <message>` of a service error (RestError), else the
 * error's message.
 */
export function azureErrorText(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; statusCode?: unknown };
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0]! : String(e);
  return typeof err?.code === 'string' && typeof err.statusCode === 'number' ? `${err.code}: ${message}` : message;
}

/**
 * True when the service could not be reached or answered "unavailable": a timeout or abort, a
 * network error (no HTTP status), 503 or 504.
 */
export function isUnavailable(e: unknown): boolean {
  const err = e as { name?: unknown; statusCode?: unknown; code?: unknown };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return true;
  if (typeof err?.statusCode === 'number') return err.statusCode === 503 || err.statusCode === 504;
  return err?.code === 'REQUEST_SEND_ERROR' || typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code);
}

/** SPIRE's code for a failed Key Vault call (`fallback`), or UNAVAILABLE when the vault is unreachable. */
const callError = (fallback: Code, prefix: string, e: unknown) =>
  spireError(isUnavailable(e) ? Code.UNAVAILABLE : fallback, `${prefix}: ${azureErrorText(e)}`, e);

/** Every coded error of KeyManager "azure_key_vault" (codes and messages as SPIRE's). */
export const AzureKeyVaultErrors = {
  keyIdRequired: () => spireError(Code.INVALID_ARGUMENT, 'key id is required'),
  keyTypeRequired: () => spireError(Code.INVALID_ARGUMENT, 'key type is required'),
  unsupportedKeyType: (keyType: string) => spireError(Code.INVALID_ARGUMENT, `unsupported key type: ${keyType}`),
  badSignerOpts: (message: string) => spireError(Code.INVALID_ARGUMENT, message),
  credential: (e: unknown) => spireError(Code.INTERNAL, `unable to get client credential: ${azureErrorText(e)}`, e),
  defaultCredential: (e: unknown) => spireError(Code.INTERNAL, `unable to fetch client credential: ${azureErrorText(e)}`, e),
  createKey: (e: unknown) => callError(Code.INTERNAL, 'failed to create key', e),
  sign: (e: unknown) => callError(Code.INTERNAL, 'failed to sign', e),
  malformedSignature: () => spireError(Code.INTERNAL, 'failed to convert Key Vault signature to ASN.1/DER format: malformed signature response'),
  listKeys: (e: unknown) => callError(Code.INTERNAL, 'failed while listing keys', e),
  fetchKeyDetails: (e: unknown) => callError(Code.INTERNAL, 'failed to fetch key details', e),
  disabledKey: (kid: string, name: string) => spireError(Code.FAILED_PRECONDITION, `found disabled SPIRE key: ${q(kid)}, name: ${q(name)}`),
  unsupportedKeySpec: (spec: string) => spireError(Code.INTERNAL, `unsupported key spec: ${spec}`),
  badPublicKey: (e: unknown) => spireError(Code.INTERNAL, `failed to marshal public key: ${(e as Error).message}`, e),
  /** Wraps an error of one key's details as SPIRE does, keeping its code. */
  keyEntryDetails: (e: unknown) => {
    const code = (e as { code?: Code }).code ?? Code.INTERNAL;
    return spireError(code, `failed to fetch key entry details: ${(e as Error).message}`, e);
  },
  readServerId: (e: unknown) => spireError(Code.INTERNAL, `failed to read server ID from path: ${(e as Error).message}`, e),
  parseServerId: (content: string) => spireError(Code.INTERNAL, `failed to parse server ID from path: uuid: incorrect UUID format in string ${q(content)}`),
  persistServerId: (e: unknown) => spireError(Code.INTERNAL, `failed to persist server ID on path: ${(e as Error).message}`, e),
} as const;
