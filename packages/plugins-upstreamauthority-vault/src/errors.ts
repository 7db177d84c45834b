import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of UpstreamAuthority "vault" that is its own (SPIRE's messages). */
export const VaultUaErrors = {
  parseCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `failed to parse CSR data: ${detail}`),
  invalidCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid CSR: ${detail}`),
  parseRoot: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse Root CA certificate: ${msg(cause)}`, cause),
  parseCertificate: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse certificate: ${msg(cause)}`, cause),
  parseChain: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse upstream bundle certificates: ${msg(cause)}`, cause),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
