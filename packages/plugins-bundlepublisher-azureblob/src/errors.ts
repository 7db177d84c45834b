import { Code, spireError } from '@spire-ts/core/plugin';

/** The text of an Azure SDK error: `<code>: <message>` of a service error, else the message. */
export function azureErrorText(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; statusCode?: unknown };
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0]! : String(e);
  return typeof err?.code === 'string' && typeof err.statusCode === 'number' ? `${err.code}: ${message}` : message;
}

/** True when the service could not be reached or answered "unavailable" (timeout, network error, 503, 504). */
export function isUnavailable(e: unknown): boolean {
  const err = e as { name?: unknown; statusCode?: unknown; code?: unknown };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError') return true;
  if (typeof err?.statusCode === 'number') return err.statusCode === 503 || err.statusCode === 504;
  return err?.code === 'REQUEST_SEND_ERROR' || (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code));
}

/** Every coded error of BundlePublisher "azure_blob" (messages as SPIRE's). */
export const AzureBlobErrors = {
  missingBundle: () => spireError(Code.INVALID_ARGUMENT, 'missing bundle in request'),
  format: (cause: unknown) => spireError(Code.INTERNAL, `could not format bundle: ${(cause as Error).message}`, cause),
  upload: (cause: unknown) => spireError(isUnavailable(cause) ? Code.UNAVAILABLE : Code.INTERNAL, `failed to upload blob: ${azureErrorText(cause)}`, cause),
  sharedKey: () => spireError(Code.INTERNAL, 'unable to get shared key credential: decode account key: illegal base64 data'),
  credential: (cause: unknown) => spireError(Code.INTERNAL, `unable to get client credential: ${azureErrorText(cause)}`, cause),
  defaultCredential: (cause: unknown) => spireError(Code.INTERNAL, `unable to fetch default credential: ${azureErrorText(cause)}`, cause),
} as const;
