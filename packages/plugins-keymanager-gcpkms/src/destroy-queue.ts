import { DisposalQueue, type DisposalOutcome, type Logger, type TaskClock } from '@spire-ts/core/plugin';
import type { KmsApi } from './kms-api.js';

/** How many versions may wait for destruction (SPIRE's channel size). */
export const DESTROY_QUEUE_CAPACITY = 120;
const NOT_FOUND = 5;

const isNotFound = (e: unknown) => (e as { code?: unknown } | null)?.code === NOT_FOUND;

/**
 * Crypto key versions waiting for DestroyCryptoKeyVersion: the plugin API's disposal queue (one
 * worker, waits doubling from 2 s to 60 s between failed attempts), judged as SPIRE's destroy task
 * does: a version already gone, or no longer enabled, is dropped; any other failure is retried.
 */
export class DestroyQueue {
  private readonly q: DisposalQueue;

  constructor(log: Logger) {
    this.q = new DisposalQueue({
      log,
      field: 'crypto_key_version_name',
      capacity: DESTROY_QUEUE_CAPACITY,
      fullMessage: 'Failed to enqueue CryptoKeyVersion for destruction',
      requeueFailedMessage: 'Failed to re-enqueue CryptoKeyVersion for destruction',
    });
  }

  /** Versions waiting, in order. */
  get pending(): readonly string[] {
    return this.q.pending;
  }

  /** Queues a version; false (and an error log) when the queue is full. */
  push(version: string): boolean {
    return this.q.push(version);
  }

  /** Resolves once the worker waits for work or sleeps in backoff (test support). */
  whenIdle(): Promise<void> {
    return this.q.whenIdle();
  }

  /** Works through the queue with `kms()` until `signal` aborts. Never throws. */
  run(kms: () => KmsApi, clock: TaskClock, signal: AbortSignal): Promise<void> {
    return this.q.run((name, log) => destroyOnce(kms, name, log), clock, signal);
  }
}

async function destroyOnce(kms: () => KmsApi, name: string, log: Logger): Promise<DisposalOutcome> {
  try {
    const v = await kms().destroyVersion(name);
    log.debug({ state: v.state }, 'CryptoKeyVersion scheduled for destruction');
    return 'done';
  } catch (e) {
    if (isNotFound(e)) {
      log.warn('CryptoKeyVersion not found');
      return 'done';
    }
    log.error({ reason: (e as Error).message }, 'It was not possible to schedule CryptoKeyVersion for destruction');
  }
  try {
    const v = await kms().getVersion(name);
    if (v.state !== 'ENABLED') {
      log.warn({ crypto_key_version_state: v.state }, 'CryptoKeyVersion is not enabled, will not be scheduled for destruction');
      return 'done';
    }
  } catch (e) {
    if (isNotFound(e)) {
      log.warn('CryptoKeyVersion not found');
      return 'done';
    }
    log.error({ reason: (e as Error).message }, 'Could not get the CryptoKeyVersion while trying to schedule it for destruction');
  }
  return 'retry';
}
