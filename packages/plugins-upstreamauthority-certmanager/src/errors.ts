import { Code, spireError } from '@spire-ts/core/plugin';

/** Every coded error of UpstreamAuthority "cert-manager" (messages as SPIRE's). */
export const CertManagerErrors = {
  newClient: (detail: string) => spireError(Code.INTERNAL, `failed to create cert-manager client: ${detail}`),
  create: (detail: string) => spireError(Code.INTERNAL, `failed to create object: ${detail}`),
  get: (detail: string) => spireError(Code.INTERNAL, `kubernetes cluster client failed to get object: ${detail}`),
  denied: () => spireError(Code.PERMISSION_DENIED, 'request has been denied'),
  failed: () => spireError(Code.INTERNAL, 'request has failed'),
  notReady: () => spireError(Code.INTERNAL, 'request did not become ready in time'),
  parseCertificate: (detail: string) => spireError(Code.INTERNAL, `failed to parse certificate: ${detail}`),
  noRoot: () => spireError(Code.INTERNAL, 'no upstream CA root returned from request'),
  parseCA: (detail: string) => spireError(Code.INTERNAL, `failed to parse CA certificate: ${detail}`),
  cancelled: () => spireError(Code.CANCELLED, 'context canceled'),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
