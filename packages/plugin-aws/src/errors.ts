/** What an AWS SDK error looks like to a plugin. */
interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

/** The AWS error code of an SDK error (`NotFoundException`, `AccessDeniedException`, …), '' if none. */
export function awsErrorCode(e: unknown): string {
  return (e as SdkError | null)?.name ?? '';
}

/** `<code>: <message>`, as an operator reads an AWS failure in a log or a status. */
export function awsErrorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const s = e as SdkError;
  const code = s.name && s.name !== 'Error' ? s.name : '';
  const msg = s.message || (s.$metadata?.httpStatusCode ? `HTTP ${s.$metadata.httpStatusCode}` : 'unknown error');
  return code && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
}

/**
 * True when the failure says AWS could not be reached or did not answer in time (network errors,
 * timeouts, 5xx, throttling): the caller may try again later.
 */
export function isAwsUnavailable(e: unknown): boolean {
  const s = e as SdkError | null;
  const status = s?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  const name = s?.name ?? '';
  if (/Throttl|TooManyRequests|RequestLimitExceeded|TimeoutError|RequestTimeout/.test(name)) return true;
  const code = (e as { code?: string } | null)?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE'].includes(code);
}
