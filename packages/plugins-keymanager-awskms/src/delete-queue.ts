import { DisposalQueue, type Logger, type TaskClock } from '@spire-ts/core/plugin';
import { awsErrorCode, awsErrorText } from '@spire-ts/plugin-aws';

/** How many keys may wait for deletion (SPIRE's channel size). */
export const DELETE_QUEUE_CAPACITY = 120;
/** Errors after which a key is dropped from the queue: it is gone, unnamed, or already going. */
const FINAL = new Set(['NotFoundException', 'InvalidArnException', 'KMSInvalidStateException']);

/**
 * The keys replaced or abandoned, waiting for `ScheduleKeyDeletion` (7-day window): the plugin
 * API's disposal queue (one worker, waits doubling from 2 s to 60 s between failed attempts),
 * with aws_kms's judgement of a failure: a key that is gone, unnamed or already pending is
 * dropped; any other failure is retried.
 */
export class DeleteQueue {
  private readonly q: DisposalQueue;

  constructor(log: Logger) {
    this.q = new DisposalQueue({
      log,
      field: 'key_arn',
      capacity: DELETE_QUEUE_CAPACITY,
      fullMessage: 'Failed to enqueue key for deletion',
      requeueFailedMessage: 'Failed to re-enqueue key for deletion',
    });
  }

  /** Keys waiting, oldest first. */
  get pending(): readonly string[] {
    return this.q.pending;
  }

  /** Queues a key ARN; false (and an error log) when the queue is full. */
  push(arn: string): boolean {
    return this.q.push(arn);
  }

  /** Resolves once the worker waits for work or sleeps in backoff (test support). */
  whenIdle(): Promise<void> {
    return this.q.whenIdle();
  }

  /**
   * Runs the worker until `signal` aborts, scheduling with `schedule` (ScheduleKeyDeletion of the
   * current KMS client). Never throws.
   */
  run(schedule: (arn: string) => Promise<void>, clock: TaskClock, signal: AbortSignal): Promise<void> {
    return this.q.run(
      async (arn, log) => {
        try {
          await schedule(arn);
          log.debug('Key deleted');
          return 'done';
        } catch (err) {
          if (FINAL.has(awsErrorCode(err))) {
            log.error({ reason: awsErrorText(err) }, 'Failed to schedule key deletion');
            return 'done';
          }
          log.error({ reason: awsErrorText(err) }, 'It was not possible to schedule key for deletion');
          return 'retry';
        }
      },
      clock,
      signal,
    );
  }
}
