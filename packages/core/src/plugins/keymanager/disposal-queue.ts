import type { Logger } from '../../log/logger.js';
import type { TaskClock } from '../task-clock.js';

/** What one attempt at disposing of a key made of it: gone (or never to be retried), or to retry. */
export type DisposalOutcome = 'done' | 'retry';

/** Options of a {@link DisposalQueue}. */
export interface DisposalQueueOptions {
  log: Logger;
  /** The log field that names an item (`key_arn`, `key_name`, `crypto_key_version_name`). */
  field: string;
  /** Most items waiting (SPIRE's channel size, 120). */
  capacity?: number;
  /** Logged (error) when an item does not fit. */
  fullMessage: string;
  /** Logged (error) when an item to retry no longer fits. */
  requeueFailedMessage: string;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

/**
 * The keys a cloud KeyManager replaced or abandoned, waiting to be disposed of (scheduled for
 * deletion, deleted, destroyed), as SPIRE's KeyManagers handle them: one worker takes them in
 * order; an attempt that asks to retry puts the item back at the end and waits 2 s, 4 s, … up to
 * 60 s before the next attempt; a success resets the wait. The plugin's `attempt` decides what a
 * failure means and logs it.
 */
export class DisposalQueue {
  private readonly items: string[] = [];
  private readonly capacity: number;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private busy = false;

  constructor(private readonly o: DisposalQueueOptions) {
    this.capacity = o.capacity ?? 120;
  }

  /** Items waiting, oldest first. */
  get pending(): readonly string[] {
    return this.items;
  }

  /** Queues an item; false (and an error log) when the queue is full. */
  push(item: string): boolean {
    if (this.items.length >= this.capacity) {
      this.o.log.error({ [this.o.field]: item }, this.o.fullMessage);
      return false;
    }
    this.items.push(item);
    if (this.wake) {
      this.busy = true;
      const w = this.wake;
      this.wake = undefined;
      w();
    }
    return true;
  }

  /** Resolves once the worker waits for work or sleeps in backoff (test support). */
  whenIdle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private setIdle(): void {
    this.busy = false;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  /**
   * Runs the worker until `signal` aborts. `attempt` gets each item with a logger naming it, and
   * must not throw (a throw counts as a retry). Never throws.
   */
  async run(attempt: (item: string, log: Logger) => Promise<DisposalOutcome>, clock: TaskClock, signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      const item = this.items.shift();
      if (item === undefined) {
        this.setIdle();
        await new Promise<void>((resolve) => {
          const wake = () => {
            if (this.wake === wake) this.wake = undefined;
            signal.removeEventListener('abort', wake);
            resolve();
          };
          this.wake = wake;
          signal.addEventListener('abort', wake, { once: true });
        });
        continue;
      }
      this.busy = true;
      const log = this.o.log.child({ [this.o.field]: item });
      const outcome = await attempt(item, log).catch((): DisposalOutcome => 'retry');
      if (outcome === 'done') {
        backoff = BACKOFF_MIN_MS;
        continue;
      }
      if (signal.aborted) {
        this.items.unshift(item);
        break;
      }
      if (this.items.length < this.capacity) this.items.push(item);
      else log.error(this.o.requeueFailedMessage);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      this.setIdle();
      await clock.sleep(backoff, signal);
    }
    this.setIdle();
  }
}
