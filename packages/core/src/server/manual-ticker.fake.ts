import type { Ticker } from './periodic-task.js';

/** A Ticker for tests: records the interval asked for and fires only when `tick()` is called. */
export class ManualTicker {
  intervalMs: number | undefined;
  stopped = false;
  private fn: (() => void) | undefined;

  readonly ticker: Ticker = (fn, ms) => {
    this.fn = fn;
    this.intervalMs = ms;
    this.stopped = false;
    return () => {
      this.stopped = true;
    };
  };

  /** Fires one tick, as the interval passing would. Throws when nothing is ticking. */
  tick(): void {
    if (!this.fn || this.stopped) throw new Error('the ticker is not running');
    this.fn();
  }
}
