/**
 * Runs `fn` with an abort signal that fires after `ms`, its reason a `TimeoutError` reading
 * `<service> did not answer within <ms> ms`: how a plugin bounds the calls it makes to a remote
 * service (each call takes the signal). Resolves or rejects as `fn` does; the timer is cleared
 * either way.
 */
export async function withDeadline<T>(ms: number, service: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(() => {
    const reason = new Error(`${service} did not answer within ${ms} ms`);
    reason.name = 'TimeoutError';
    ac.abort(reason);
  }, ms);
  try {
    return await fn(ac.signal);
  } finally {
    clearTimeout(timer);
  }
}
