/**
 * How the GCP plugins read a failed Google API call: whether Google was out of reach (the caller
 * may retry: UNAVAILABLE) and a one-line text for the operator.
 */

/** gRPC status numbers google-gax puts in `code` (REST fallback maps HTTP statuses to them). */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET']);

function causes(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur = e;
  for (let i = 0; i < 8 && cur !== undefined && cur !== null; i++) {
    out.push(cur);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * True when the failure means Google could not be reached or did not answer in time: a network
 * error, a deadline ({@link withTimeout}'s `TimeoutError`), gRPC UNAVAILABLE / DEADLINE_EXCEEDED /
 * RESOURCE_EXHAUSTED, or HTTP 429/502/503/504.
 */
export function isGoogleUnavailable(e: unknown): boolean {
  return causes(e).some((c) => {
    const x = c as { name?: string; code?: unknown; status?: unknown; response?: { status?: unknown } };
    if (x.name === 'TimeoutError' || x.name === 'AbortError') return true;
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return true;
    if (x.code === GRPC_UNAVAILABLE || x.code === GRPC_DEADLINE_EXCEEDED || x.code === GRPC_RESOURCE_EXHAUSTED) return true;
    const http = typeof x.status === 'number' ? x.status : x.response?.status;
    return http === 429 || http === 502 || http === 503 || http === 504;
  });
}

/** The text of a failed Google call (the error's message, without stack). */
export function googleErrorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs `fn` with an abort signal that fires after `ms`, and rejects with an Error named
 * `TimeoutError` ("<what> did not answer within <ms> ms") if it has not settled by then, even
 * when `fn` ignores the signal. The timer never outlives the call.
 */
export async function withTimeout<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${what} did not answer within ${ms} ms`);
      err.name = 'TimeoutError';
      ac.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([fn(ac.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
