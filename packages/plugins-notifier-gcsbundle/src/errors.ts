import { Code, spireError } from '@spire-ts/core/plugin';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Every coded error of Notifier "gcs_bundle" (codes and messages as SPIRE's). */
export const GcsBundleErrors = {
  newClient: (cause: unknown) => spireError(Code.UNKNOWN, `unable to instantiate bucket client: ${msg(cause)}`, cause),
  /** `code` is UNKNOWN as SPIRE's, UNAVAILABLE when Cloud Storage could not be reached in time. */
  getObject: (code: Code, bucket: string, object: string, detail: string, cause: unknown) =>
    spireError(code, `unable to get bundle object ${bucket}/${object}: ${detail}`, cause),
  updateObject: (code: Code, bucket: string, object: string, detail: string, cause: unknown) =>
    spireError(code, `unable to update bundle object ${bucket}/${object}: ${detail}`, cause),
  noBundle: () => spireError(Code.FAILED_PRECONDITION, 'no bundle loaded yet'),
} as const;
