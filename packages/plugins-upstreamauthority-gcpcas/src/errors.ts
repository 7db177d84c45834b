import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of UpstreamAuthority "gcp_cas" (messages as SPIRE's). */
export const GcpCasErrors = {
  parseCsr: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to parse CSR: ${msg(cause)}`, cause),
  invalidCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid CSR: ${detail}`),
  createClient: (cause: unknown) => spireError(Code.INTERNAL, `failed to create CA Service client: ${msg(cause)}`, cause),
  loadRoots: (detail: string, cause: unknown, code: Code = Code.INTERNAL) => spireError(code, `failed to load root CAs: ${detail}`, cause),
  multiplePools: () => new Error('found authorities with matching labels across multiple pools'),
  noAuthorities: (key: string, value: string) =>
    spireError(Code.INVALID_ARGUMENT, `no certificate authorities found with label pair ${JSON.stringify(key)}:${JSON.stringify(value)}`),
  noEnabledAuthorities: (key: string, value: string) =>
    spireError(Code.INVALID_ARGUMENT, `no certificate authorities found in ENABLED state with label pair ${JSON.stringify(key)}:${JSON.stringify(value)}`),
  /** CreateCertificate's own status and message, passed on as SPIRE does. */
  createCertificate: (code: Code, detail: string, cause: unknown) => spireError(code, detail, cause),
  emptyChain: () => spireError(Code.INTERNAL, 'got no certificates in the chain'),
  parseCertificate: (what: string, cause: unknown) => spireError(Code.INTERNAL, `unable to parse ${what}: ${msg(cause)}`, cause),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
