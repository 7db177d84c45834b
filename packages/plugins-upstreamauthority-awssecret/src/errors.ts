import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of UpstreamAuthority "awssecret" (messages as SPIRE's). */
export const AwsSecretErrors = {
  createClient: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to create AWS client: ${msg(cause)}`, cause),
  readSecret: (arn: string, detail: string, cause?: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to read ${arn}: ${detail}`, cause),
  parseKey: (cause: unknown) => spireError(Code.INTERNAL, `unable to parse private key: ${msg(cause)}`, cause),
  parseCert: (cause: unknown) => spireError(Code.INTERNAL, `unable to parse certificate: ${msg(cause)}`, cause),
  loadBundle: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `unable to load upstream CA bundle: ${msg(cause)}`, cause),
  onlySelfSigned: () => spireError(Code.INVALID_ARGUMENT, 'with no bundle_file_arn configured only self-signed CAs are supported'),
  keyMismatch: () => spireError(Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate and private key do not match'),
  notValidated: () =>
    spireError(Code.INVALID_ARGUMENT, 'unable to load upstream CA: certificate could not be validated with the provided bundle or is not self signed'),
  signCsr: (detail: string) => spireError(Code.INTERNAL, `unable to sign CSR: ${detail}`),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing upstream is unsupported'),
} as const;
