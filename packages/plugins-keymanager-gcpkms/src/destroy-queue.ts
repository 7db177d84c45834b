import type { Logger } from '@spire-ts/core/plugin';
import type { KmsApi } from './kms-api.js';
import type { TaskClock } from '@spire-ts/core/plugin';

/** How many versions may wait for destruction (SPIRE's channel size). */
export const DESTROY_QUEUE_CAPACITY = 120;
const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 60_000;
const NOT_FOUND = 5;

const isNotFound = (e: unknown) => (e as { code?: unknown } | null)?.code === NOT_FOUND;

/**
 * Crypto key versions waiting for DestroyCryptoKeyVersion, as SPIRE's destroy task handles them:
 * a version already gone, or no longer enabled, is dropped; any other failure puts it back at the
 * end and waits (1 s doubling to 60 s) before the next one.
 */
export class DestroyQueue {
  private readonly items: string[] = [];
  private wake?: () => void;

  constructor(private readonly log: Logger) {}

  /** Versions waiting, in order. */
  get pending(): readonly string[] {
    return this.items;
  }

  /** Queues a version; false (and nothing queued) when the queue is full. */
  push(version: string): boolean {
    if (this.items.length >= DESTROY_QUEUE_CAPACITY) return false;
    this.items.push(version);
    this.wake?.();
    return true;
  }

  /** Works through the queue with `kms()` until `signal` aborts. Never throws. */
  async run(kms: () => KmsApi, clock: TaskClock, signal: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal.aborted) {
      const name = this.items.shift();
      if (name === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        this.wake = undefined;
        continue;
      }
      const log = this.log.child({ crypto_key_version_name: name });
      try {
        const v = await kms().destroyVersion(name);
        log.debug({ state: v.state }, 'CryptoKeyVersion scheduled for destruction');
        backoff = BACKOFF_MIN_MS;
        continue;
      } catch (e) {
        if (isNotFound(e)) {
          log.warn('CryptoKeyVersion not found');
          backoff = BACKOFF_MIN_MS;
          continue;
        }
        log.error({ reason: (e as Error).message }, 'It was not possible to schedule CryptoKeyVersion for destruction');
      }
      try {
        const v = await kms().getVersion(name);
        if (v.state !== 'ENABLED') {
          log.warn({ crypto_key_version_state: v.state }, 'CryptoKeyVersion is not enabled, will not be scheduled for destruction');
          backoff = BACKOFF_MIN_MS;
          continue;
        }
      } catch (e) {
        if (isNotFound(e)) {
          log.warn('CryptoKeyVersion not found');
          backoff = BACKOFF_MIN_MS;
          continue;
        }
        log.error({ reason: (e as Error).message }, 'Could not get the CryptoKeyVersion while trying to schedule it for destruction');
      }
      if (!this.push(name)) log.error('Failed to re-enqueue CryptoKeyVersion for destruction');
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      await clock.sleep(backoff, signal);
    }
  }
}
