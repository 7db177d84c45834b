import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of BundlePublisher "gcp_cloudstorage" (messages as SPIRE's). */
export const GcpCloudStorageErrors = {
  createClient: (cause: unknown) => spireError(Code.INTERNAL, `failed to create client: ${msg(cause)}`, cause),
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  format: (cause: unknown) => spireError(Code.INTERNAL, `could not format bundle: ${msg(cause)}`, cause),
  /** The upload failed: INTERNAL as SPIRE's, UNAVAILABLE when Cloud Storage could not be reached in time. */
  write: (code: Code, detail: string, cause: unknown) => spireError(code, `failed to close storage writer: ${detail}`, cause),
} as const;
