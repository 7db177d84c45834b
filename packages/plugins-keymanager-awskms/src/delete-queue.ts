import type { Logger } from '@spire-ts/core/plugin';
import { awsErrorCode, awsErrorText } from '@spire-ts/plugin-aws';
import type { TaskClock } from '@spire-ts/core/plugin';

/** How many keys may wait for deletion (SPIRE's channel size). */
export const DELETE_QUEUE_CAPACITY = 120;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** Errors after which a key is dropped from the queue: it is gone, unnamed, or already going. */
const FINAL = new Set(['NotFoundException', 'InvalidArnException', 'KMSInvalidStateException']);

/**
 * The keys replaced or abandoned, waiting for `ScheduleKeyDeletion` (7-day window). One worker
 * schedules them in order; a failure other than {@link FINAL} puts the key back at the end and
 * waits 2 s, 4 s, … up to 60 s before the next attempt; a success resets the wait.
 */
export class DeleteQueue {
  private readonly items: string[] = [];
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private busy = false;

  constructor(private readonly log: Logger) {}

  /** Keys waiting, oldest first. */
  get pending(): readonly string[] {
    return this.items;
  }

  /** Queues a key ARN; false (and an error log) when the queue is full. */
  push(arn: string): boolean {
    if (this.items.length >= DELETE_QUEUE_CAPACITY) {
      this.log.error({ key_arn: arn }, 'Failed to enqueue key for deletion');
      return false;
    }
    this.items.push(arn);
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
   * Runs the worker until `signal` aborts, scheduling with `schedule` (ScheduleKeyDeletion of the
   * current KMS client). Never throws.
   */
  async run(schedule: (arn: string) => Promise<void>, clock: TaskClock, signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      const arn = this.items.shift();
      if (arn === undefined) {
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
      const log = this.log.child({ key_arn: arn });
      try {
        await schedule(arn);
        log.debug('Key deleted');
        backoff = BACKOFF_MIN_MS;
        continue;
      } catch (err) {
        const code = awsErrorCode(err);
        if (FINAL.has(code)) {
          log.error({ reason: awsErrorText(err) }, 'Failed to schedule key deletion');
          continue;
        }
        if (signal.aborted) {
          this.items.unshift(arn);
          break;
        }
        log.error({ reason: awsErrorText(err) }, 'It was not possible to schedule key for deletion');
        if (!this.push(arn)) log.error('Failed to re-enqueue key for deletion');
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        this.setIdle();
        await clock.sleep(backoff, signal);
      }
    }
    this.setIdle();
  }
}
