import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

/**
 * Calls `fn` every `ms` milliseconds until the returned function is called. The real one uses an
 * unref'd `setInterval` (it never keeps the process alive); tests pass one they fire by hand.
 */
export type Ticker = (fn: () => void, ms: number) => () => void;

/** The real ticker: `setInterval`, unref'd. */
export const intervalTicker: Ticker = (fn, ms) => {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
};

/** What a periodic task runs, how often, and what it logs when a run fails. */
export interface PeriodicTaskOptions {
  /** Milliseconds between runs; the first run is one interval after `start`, as a Go ticker. */
  intervalMs: number;
  run: () => Promise<void>;
  log: Logger;
  /** The error log line of a failed run, e.g. "Failed pruning registration entries". */
  failureMessage: string;
  ticker?: Ticker;
}

/**
 * A background job on a fixed cadence, as SPIRE's managers run theirs: a failed run is logged and
 * the next tick tries again; runs never overlap (a tick that comes while one runs is dropped).
 */
export class PeriodicTask {
  private cancel: (() => void) | undefined;
  private current: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly opts: PeriodicTaskOptions) {}

  /** The interval in milliseconds. */
  get intervalMs(): number {
    return this.opts.intervalMs;
  }

  /** Starts ticking. Calling it again does nothing. */
  start(): void {
    if (this.cancel) return;
    this.cancel = (this.opts.ticker ?? intervalTicker)(() => {
      if (this.running) return;
      void this.runOnce();
    }, this.opts.intervalMs);
  }

  /**
   * Runs the job now (after a run in progress). Never rejects: a failure is logged, as one from
   * the timer is.
   */
  runOnce(): Promise<void> {
    const run = this.current.then(async () => {
      this.running = true;
      try {
        await this.opts.run();
      } catch (err) {
        this.opts.log.error({ error: errorMessage(err) }, this.opts.failureMessage);
      } finally {
        this.running = false;
      }
    });
    this.current = run;
    return run;
  }

  /** Resolves when the run in progress (if any) has finished. Never rejects. */
  whenIdle(): Promise<void> {
    return this.current;
  }

  /** Stops ticking and waits for the run in progress. Safe to call twice. */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.current;
  }
}
