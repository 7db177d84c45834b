import { Code, SpireError } from '../errors.js';

/**
 * How many large answers (an unpaged ListEntries, a GetAuthorizedEntries above the entry page
 * size) a server builds at once; further callers wait their turn in arrival order. Each answer in
 * progress holds its encoded bytes and one store page of objects, so this bounds that memory and
 * the share of the event loop large answers take from small calls.
 */
export const MAX_CONCURRENT_LARGE_ANSWERS = 3;

/**
 * A counting semaphore for large answers: at most `limit` holders, waiters served first come,
 * first served. One per server, shared by every listener.
 */
export class LargeAnswerGate {
  private active = 0;
  private readonly queue: Array<{ grant: () => void }> = [];

  /** Throws RangeError when `limit` is not a positive integer. */
  constructor(readonly limit = MAX_CONCURRENT_LARGE_ANSWERS) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the large-answer limit must be a positive integer, got ${limit}`);
  }

  /** Answers being built now. */
  get running(): number {
    return this.active;
  }

  /** Callers waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Runs `fn` once a turn is free and releases the turn when it settles (resolved or thrown).
   * Rejects with CANCELLED, without running `fn`, when `signal` aborts while waiting.
   */
  async run<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(cancelled());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.active++;
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(): void {
    this.active--;
    this.queue.shift()?.grant();
  }
}

function cancelled(): SpireError {
  return new SpireError(Code.CANCELLED, 'the client went away while waiting for its turn to build a large answer');
}
