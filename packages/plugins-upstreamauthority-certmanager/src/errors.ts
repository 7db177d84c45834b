import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of UpstreamAuthority "cert-manager" (messages as SPIRE's). */
export const CertManagerErrors = {
  newClient: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to create cert-manager client: ${detail}`, cause),
  create: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to create object: ${detail}`, cause),
  get: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `kubernetes cluster client failed to get object: ${detail}`, cause),
  denied: () => spireError(Code.PERMISSION_DENIED, 'request has been denied'),
  failed: () => spireError(Code.INTERNAL, 'request has failed'),
  notReady: () => spireError(Code.INTERNAL, 'request did not become ready in time'),
  parseCertificate: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to parse certificate: ${detail}`, cause),
  noRoot: () => spireError(Code.INTERNAL, 'no upstream CA root returned from request'),
  parseCA: (detail: string, cause: unknown) => spireError(Code.INTERNAL, `failed to parse CA certificate: ${detail}`, cause),
  cancelled: () => spireError(Code.CANCELLED, 'context canceled'),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
