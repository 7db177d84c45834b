import { Code, spireError, type SpireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** grpc-go's name of a code (`InvalidArgument`), as SPIRE's nested status messages print it. */
export function grpcCodeName(code: Code): string {
  return (Code[code] ?? 'Unknown')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase());
}

/** An error text as SPIRE prints a status error wrapped in another: `rpc error: code = … desc = …`. */
export function nested(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? `rpc error: code = ${grpcCodeName(code)} desc = ${msg(e)}` : msg(e);
}

/** The coded errors of the Vault client (SPIRE's messages). */
export const VaultErrors = {
  tokenEmpty: () => spireError(Code.INVALID_ARGUMENT, 'token is empty'),
  tokenLookup: (detail: string, cause?: unknown) => spireError(Code.INTERNAL, `token lookup failed: ${detail}`, cause),
  authFailed: (path: string, detail: string, cause?: unknown) => spireError(Code.UNAUTHENTICATED, `authentication failed ${path}: ${detail}`, cause),
  noToken: (detail: string) => spireError(Code.INTERNAL, `authentication is successful, but could not get token: ${detail}`),
  readK8sToken: (cause: unknown) => spireError(Code.INTERNAL, `failed to read k8s service account token: ${msg(cause)}`, cause),
  loadCaCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to load CA certificate: ${msg(cause)}`, cause),
  loadClientCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to parse client cert and private-key: ${msg(cause)}`, cause),
  /** How a plugin reports a login that failed (SPIRE wraps the inner status). */
  prepareClient: (cause: unknown): SpireError => spireError(Code.INTERNAL, `failed to prepare authenticated client: ${nested(cause)}`, cause),
} as const;
