/**
 * Runs async operations one at a time, in the order they were handed in. An operation that fails
 * rejects its own promise only: the ones after it still run.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every operation handed in before it has settled; resolves as `fn` does. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => undefined);
    return p;
  }
}
