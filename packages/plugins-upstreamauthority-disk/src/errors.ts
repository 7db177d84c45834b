import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Coded errors of UpstreamAuthority "disk" (messages as SPIRE's). */
export const DiskUpstreamErrors = {
  loadKey: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to load upstream CA key: ${msg(cause)}`, cause),
  loadCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to load upstream CA cert: ${msg(cause)}`, cause),
  loadBundle: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to load upstream CA bundle: ${msg(cause)}`, cause),
  onlySelfSigned: () => spireError(Code.INVALID_ARGUMENT, 'with no bundle_file_path configured only self-signed CAs are supported'),
  keyMismatch: () => spireError(Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate and private key do not match'),
  notValidated: () =>
    spireError(Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate cannot be validated with the provided bundle or is not self-signed'),
  noCachedCA: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `no cached CA and failed to load CA: ${msg(cause)}`, cause),
  signCsr: (detail: string) => spireError(Code.INTERNAL, `unable to sign CSR: ${detail}`),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
