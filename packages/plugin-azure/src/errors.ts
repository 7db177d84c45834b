import { withDeadline } from '@spire-ts/core/plugin';

/** What an Azure SDK error (RestError, AuthenticationError, AbortError…) looks like to a plugin. */
interface AzureSdkError {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
}

/** `<code>: <message>` of an Azure failure as an operator reads it ('' code parts left out). */
export function azureErrorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const s = e as AzureSdkError;
  const msg = s.message || (s.statusCode ? `HTTP ${s.statusCode}` : 'unknown error');
  const code = s.code && s.code !== 'Error' ? s.code : '';
  return code && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
}

const NETWORK_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'REQUEST_SEND_ERROR', 'UND_ERR_CONNECT_TIMEOUT'];

/**
 * True when the failure says Azure could not be reached or did not answer in time (network
 * errors, timeouts, aborts, 5xx, throttling), looking through `cause` chains: the caller may retry.
 */
export function isAzureUnavailable(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 8 && cur; i++) {
    const s = cur as AzureSdkError;
    if (s.statusCode !== undefined && (s.statusCode >= 500 || s.statusCode === 429)) return true;
    if (s.name === 'AbortError' || s.name === 'TimeoutError') return true;
    if (s.code && NETWORK_CODES.includes(s.code)) return true;
    if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed/.test(s.message ?? '')) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `fn` with an abort signal that fires after `ms` with a `TimeoutError` reason
 * (`Azure did not answer within <ms> ms`). Bounds every call a plugin makes to Azure: each call
 * takes the signal and is cut by {@link untilAborted} even when the SDK inside ignores it.
 */
export function withAzureDeadline<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withDeadline(ms, 'Azure', fn);
}

/** `work`, or a rejection with the signal's reason as soon as the signal aborts (whichever is first). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
