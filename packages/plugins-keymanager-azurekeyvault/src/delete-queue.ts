import { DisposalQueue, type Logger, type TaskClock } from '@spire-ts/core/plugin';
import { azureErrorText } from './errors.js';

/** How many keys may wait for deletion (SPIRE's channel size). */
export const DELETE_QUEUE_CAPACITY = 120;

/**
 * Key names waiting for DeleteKey: the plugin API's disposal queue (one worker, waits doubling
 * from 2 s to 60 s between failed attempts), with azure_key_vault's judgement of a failure: a key
 * the vault does not have (404) is dropped with an error log; any other failure is retried.
 */
export class DeleteQueue {
  private readonly q: DisposalQueue;

  constructor(private readonly log: Logger) {
    this.q = new DisposalQueue({
      log,
      field: 'key_name',
      capacity: DELETE_QUEUE_CAPACITY,
      fullMessage: 'Failed to enqueue key for deletion',
      requeueFailedMessage: 'Failed to re-enqueue key for deletion',
    });
  }

  /** Key names waiting, oldest first. */
  get pending(): readonly string[] {
    return this.q.pending;
  }

  /** Queues a key name; false (and an error log) when the queue is full. */
  push(keyName: string): boolean {
    const queued = this.q.push(keyName);
    if (queued) this.log.debug({ key_name: keyName }, 'Key enqueued for deletion');
    return queued;
  }

  /** Resolves once the worker waits for work or sleeps in backoff (test support). */
  whenIdle(): Promise<void> {
    return this.q.whenIdle();
  }

  /** Runs the worker until `signal` aborts, deleting with `remove`. Never throws. */
  run(remove: (keyName: string) => Promise<void>, clock: TaskClock, signal: AbortSignal): Promise<void> {
    return this.q.run(
      async (keyName, log) => {
        try {
          await remove(keyName);
          log.debug('Key deleted');
          return 'done';
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode === 404) {
            log.error({ reason: 'No such key' }, 'Failed to schedule key deletion');
            return 'done';
          }
          log.error({ reason: azureErrorText(err) }, 'It was not possible to schedule key for deletion. Trying to re-enqueue it for deletion');
          return 'retry';
        }
      },
      clock,
      signal,
    );
  }
}
