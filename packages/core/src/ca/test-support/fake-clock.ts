import type { Clock } from '../clock.js';

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms`. */
  add(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
