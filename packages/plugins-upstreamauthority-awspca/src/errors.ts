import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of UpstreamAuthority "aws_pca" (messages as SPIRE's). */
export const AwsPcaErrors = {
  supplementalBundle: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to load supplemental bundle: ${msg(cause)}`, cause),
  createClient: (cause: unknown) => spireError(Code.INTERNAL, `failed to create client: ${msg(cause)}`, cause),
  describe: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to describe CertificateAuthority: ${detail}`, cause),
  invalidCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, `invalid CSR: ${detail}`),
  submitCsr: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed submitting CSR: ${detail}`, cause),
  waitIssuance: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed waiting for issuance: ${detail}`, cause),
  parseCertificate: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse certificate from response: ${msg(cause)}`, cause),
  parseChain: (cause: unknown) => spireError(Code.INTERNAL, `failed to parse certificate chain from response: ${msg(cause)}`, cause),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
