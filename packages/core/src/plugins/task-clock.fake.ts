import type { TaskClock } from './task-clock.js';

interface Timer {
  due: number;
  period?: number;
  fire: () => Promise<void> | void;
}

/**
 * A {@link TaskClock} that moves only when told (test support). `advance` fires every ticker and
 * sleep that falls due, in time order, and waits for each ticker's run to finish.
 */
export class FakeTaskClock implements TaskClock {
  private t: number;
  private readonly timers = new Set<Timer>();

  constructor(start = new Date('2030-01-01T00:00:00Z')) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  /** How many tickers are running (stopped ones are gone). */
  get tickers(): number {
    return [...this.timers].filter((x) => x.period !== undefined).length;
  }

  every(periodMs: number, fn: () => Promise<void>): () => void {
    const timer: Timer = { due: this.t + periodMs, period: periodMs, fire: fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      // Firing lets the sleeper run on to its next real wait before advance goes on.
      const timer: Timer = {
        due: this.t + ms,
        fire: () => {
          resolve();
          return new Promise<void>((r) => setImmediate(r));
        },
      };
      this.timers.add(timer);
      signal.addEventListener(
        'abort',
        () => {
          this.timers.delete(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.timers) if (x.due <= target && (!next || x.due < next.due)) next = x;
      if (!next) break;
      this.t = next.due;
      if (next.period !== undefined) next.due += next.period;
      else this.timers.delete(next);
      await next.fire();
    }
    this.t = target;
  }
}
