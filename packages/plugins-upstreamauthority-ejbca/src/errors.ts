import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of UpstreamAuthority "ejbca" (messages as SPIRE's). Each function returns a new error. */
export const EjbcaErrors = {
  readCaChain: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to read CA chain from file: ${msg(cause)}`, cause),
  parseCaChain: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to parse CA chain: ${msg(cause)}`, cause),
  readClientCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to read client certificate from file: ${msg(cause)}`, cause),
  readClientKey: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to read client key from file: ${msg(cause)}`, cause),
  loadClientCert: (cause: unknown) => spireError(Code.INVALID_ARGUMENT, `failed to load client certificate: ${msg(cause)}`, cause),
  parseCsr: (detail: string) => spireError(Code.INVALID_ARGUMENT, detail),
  endEntityName: (detail: string) => spireError(Code.INTERNAL, `unable to determine end entity name: ${detail}`),
  /** A transport failure or an EJBCA error answer; `detail` as Go's client prints it. */
  enroll: (detail: string, cause?: unknown) => spireError(Code.INTERNAL, `EJBCA returned an error: failed to enroll CSR - ${detail}`, cause),
  certificatePem: () => spireError(Code.INTERNAL, 'failed to parse certificate PEM'),
  caCertificatePem: () => spireError(Code.INTERNAL, 'failed to parse CA certificate PEM'),
  derCertificate: (detail: string) => spireError(Code.INTERNAL, `failed to base64 decode DER certificate: ${detail}`),
  derCaCertificate: (detail: string) => spireError(Code.INTERNAL, `failed to base64 decode DER CA certificate: ${detail}`),
  unsupportedFormat: (format: string) => spireError(Code.INTERNAL, `ejbca returned unsupported certificate format: ${JSON.stringify(format)}`),
  certificate: (cause: unknown) => spireError(Code.INTERNAL, `failed to serialize certificate issued by EJBCA: ${msg(cause)}`, cause),
  caChain: (cause: unknown) => spireError(Code.INTERNAL, `failed to serialize CA chain returned by EJBCA: ${msg(cause)}`, cause),
  noCaChain: () => spireError(Code.INTERNAL, 'EJBCA did not return a CA chain'),
  publishUnsupported: () => spireError(Code.UNIMPLEMENTED, 'publishing JWT keys is not supported by the EJBCA UpstreamAuthority plugin'),
} as const;
