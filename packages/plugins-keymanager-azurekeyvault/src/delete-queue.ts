import type { Logger } from '@spire-ts/core/plugin';
import { azureErrorText } from './errors.js';
import type { TaskClock } from '@spire-ts/core/plugin';

/** How many keys may wait for deletion (SPIRE's channel size). */
export const DELETE_QUEUE_CAPACITY = 120;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

/**
 * Key names waiting for DeleteKey. One worker deletes them in order. A key the vault does not
 * have (404) is dropped with an error log; any other failure puts it back at the end and waits
 * 2 s, 4 s, … up to 60 s before the next attempt; a success resets the wait.
 */
export class DeleteQueue {
  private readonly items: string[] = [];
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private busy = false;

  constructor(private readonly log: Logger) {}

  /** Key names waiting, oldest first. */
  get pending(): readonly string[] {
    return this.items;
  }

  /** Queues a key name; false (and an error log) when the queue is full. */
  push(keyName: string): boolean {
    if (this.items.length >= DELETE_QUEUE_CAPACITY) {
      this.log.error({ key_name: keyName }, 'Failed to enqueue key for deletion');
      return false;
    }
    this.items.push(keyName);
    this.log.debug({ key_name: keyName }, 'Key enqueued for deletion');
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

  /** Runs the worker until `signal` aborts, deleting with `remove`. Never throws. */
  async run(remove: (keyName: string) => Promise<void>, clock: TaskClock, signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      const keyName = this.items.shift();
      if (keyName === undefined) {
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
      const log = this.log.child({ key_name: keyName });
      try {
        await remove(keyName);
        log.debug('Key deleted');
        backoff = BACKOFF_MIN_MS;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) {
          log.error({ reason: 'No such key' }, 'Failed to schedule key deletion');
          continue;
        }
        if (signal.aborted) {
          this.items.unshift(keyName);
          break;
        }
        log.error({ reason: azureErrorText(err) }, 'It was not possible to schedule key for deletion. Trying to re-enqueue it for deletion');
        if (this.items.length < DELETE_QUEUE_CAPACITY) {
          this.items.push(keyName);
          log.debug('Key re-enqueued for deletion');
        } else {
          log.error('Failed to re-enqueue key for deletion');
        }
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        this.setIdle();
        await clock.sleep(backoff, signal);
      }
    }
    this.setIdle();
  }
}
