/** The HTTP status of a Kubernetes API error (an answer from the API server), if it is one. */
export function kubeStatusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/** The `message` of a Status object, given as an object or as its JSON text. */
function statusMessage(body: unknown): string | undefined {
  let doc = body;
  if (typeof body === 'string') {
    try {
      doc = JSON.parse(body) as unknown;
    } catch {
      return undefined; // not a Status object
    }
  }
  const m = (doc as { message?: unknown } | null | undefined)?.message;
  return typeof m === 'string' && m !== '' ? m : undefined;
}

/**
 * The message of a failed Kubernetes API call as client-go prints it. For an answer of the API
 * server: the `message` of the returned Status object (`configmaps "x" not found`), else
 * `Unauthorized` for a 401 (the generated client keeps no body then), else
 * `the server responded with HTTP <code>`. For a request that got no answer: the error's own
 * text, followed by its cause's (`fetch failed: connect ECONNREFUSED …`). The one reader of
 * Kubernetes API errors.
 */
export function kubeErrorMessage(err: unknown): string {
  const code = kubeStatusCode(err);
  if (code !== undefined) {
    const m = statusMessage((err as { body?: unknown }).body);
    if (m !== undefined) return m;
    if (code === 401) return 'Unauthorized';
    return `the server responded with HTTP ${code}`;
  }
  const msg = err instanceof Error ? err.message : String(err);
  const cause = (err as { cause?: { message?: unknown } } | null | undefined)?.cause?.message;
  return typeof cause === 'string' ? `${msg}: ${cause}` : msg;
}

/** The HTTP statuses with which an API server says it is overloaded or unavailable. */
const UNAVAILABLE_HTTP = new Set([429, 502, 503, 504]);

/**
 * True when a failed API call should be retried later: the API server answered that it is
 * overloaded or unavailable (429, 502, 503, 504), or did not answer at all (undici's fetch fails
 * with this TypeError when the connection was refused or reset, or TLS or DNS failed). Anything
 * else is an answer or a client-side problem.
 */
export function kubeUnavailable(err: unknown): boolean {
  const code = kubeStatusCode(err);
  if (code !== undefined) return UNAVAILABLE_HTTP.has(code);
  return err instanceof TypeError && err.message === 'fetch failed';
}

/**
 * A Kubernetes API call that failed. `unavailable` is true when the server could not be reached,
 * did not answer in time, or answered that it is overloaded or unavailable (429, 502, 503, 504):
 * callers report those as UNAVAILABLE so that the client retries later.
 */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly unavailable: boolean,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}
