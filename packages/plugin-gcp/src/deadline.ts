/**
 * Runs `fn` with an abort signal that fires after `ms`, and rejects with an Error named
 * `TimeoutError` ("<what> did not answer within <ms> ms") if it has not settled by then, even
 * when `fn` ignores the signal (google-gax in REST fallback mode does not apply its own
 * `timeout`). The timer never outlives the call.
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
