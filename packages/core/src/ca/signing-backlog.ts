import { CAErrors } from './errors.js';

/** Default of `experimental.max_pending_svids`: about two seconds of a two-core signing pool. */
export const DEFAULT_MAX_PENDING_SVIDS = 10_000;

/**
 * The bound in front of the signing pool: how many workload SVIDs may wait to be signed at once.
 * A burst beyond it (every agent renewing after a restart) is refused at once with
 * RESOURCE_EXHAUSTED instead of queueing without limit (SPIRE's issue #4490: OOM-killed).
 */
export class SigningBacklog {
  private pending = 0;

  /** `limit` of at least 1. */
  constructor(readonly limit: number = DEFAULT_MAX_PENDING_SVIDS) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`max pending SVIDs must be a positive integer, got ${limit}`);
  }

  /** SVIDs admitted and not yet released. */
  get size(): number {
    return this.pending;
  }

  /**
   * Admits `n` SVIDs, or throws RESOURCE_EXHAUSTED (admitting none) when they would take the
   * backlog past its limit. A request larger than the limit is still admitted into an empty
   * backlog, so no request is refused forever. Returns the release; calling it twice is safe.
   */
  admit(n: number): () => void {
    if (this.pending > 0 && this.pending + n > this.limit) throw CAErrors.backlogFull(n, this.pending, this.limit);
    this.pending += n;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pending -= n;
    };
  }

  /** Runs `fn` with `n` SVIDs admitted, released when it settles. Throws as `admit` does. */
  async run<T>(n: number, fn: () => Promise<T>): Promise<T> {
    const release = this.admit(n);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
