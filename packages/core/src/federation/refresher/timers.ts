/** A pending timer of {@link Timers}. */
export type TimerHandle = unknown;

/**
 * The time source of the refresher: wall-clock time and one-shot timers. The real one uses Node's
 * unref'd timers; tests pass one whose time they move by hand.
 */
export interface Timers {
  /** Unix milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's clock and timers; the timers never keep the process alive. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
