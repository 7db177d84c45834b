import { setTimeout as sleep } from 'node:timers/promises';
import { Code, errorCode, errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { X509Certificate } from '../../plugins/types.js';
import type { UpstreamAuthority } from '../../plugins/upstreamauthority/contract.js';
import type { BundlePart } from './bundle-updates.js';
import { toStored } from './jwt-key-publisher.js';

/** What the subscription works with: the UpstreamAuthority, the roots sync and the bundle append. */
export interface LocalBundleSubscriptionDeps {
  upstreamAuthority: UpstreamAuthority;
  log: Logger;
  /** Brings reported upstream roots into the bundle, taints and revocations included (upstream-roots.ts). */
  syncRoots(roots: readonly X509Certificate[]): Promise<void>;
  /** The manager's bundle append, which tells Notifiers and BundlePublishers of a change. */
  appendBundle(part: BundlePart): Promise<unknown>;
  /** Wait before subscribing, and before subscribing again after a failure (SPIRE: 5 s). */
  delayMs: number;
}

/**
 * SPIRE's SubscribeToLocalBundle task: 5 s after the CA manager starts it subscribes to the
 * UpstreamAuthority's bundle stream, syncs the upstream roots it carries into the local bundle
 * (taints and revocations included) and appends its JWT keys, so that upstream changes (a rotated
 * upstream CA, a JWT key published by another downstream server) reach this server's bundle, and
 * its agents, within one stream message. An authority without the stream (UNIMPLEMENTED, or no such method) ends the task
 * quietly; a stream that ends is not reopened, as in SPIRE. Unlike SPIRE, where a failure to
 * subscribe stops the server, a failure is logged and retried after the same delay.
 */
export class LocalBundleSubscription {
  private readonly stop = new AbortController();
  private running?: Promise<void>;

  constructor(private readonly d: LocalBundleSubscriptionDeps) {}

  /** Starts the task. A second call does nothing. */
  start(): void {
    this.running ??= this.run();
  }

  /** Ends the task and its stream; resolves once it has stopped. Safe to call twice. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const { upstreamAuthority: ua, log } = this.d;
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        await sleep(this.d.delayMs, undefined, { signal, ref: false });
      } catch {
        return; // closed while waiting
      }
      if (!ua.subscribeToLocalBundle) return;
      try {
        for await (const u of ua.subscribeToLocalBundle(signal)) {
          if (signal.aborted) return;
          // As SPIRE: a failed store loses this update only; the stream goes on.
          try {
            await this.d.syncRoots(u.upstreamX509Roots);
          } catch (err) {
            log.error({ error: errorMessage(err) }, 'Failed to store X.509 CAs received by the upstream authority plugin.');
            continue;
          }
          try {
            if (u.upstreamJwtKeys.length > 0) await this.d.appendBundle({ jwtSigningKeys: u.upstreamJwtKeys.map(toStored) });
          } catch (err) {
            log.error({ error: errorMessage(err) }, 'Failed to store JWT keys received by the upstream authority plugin.');
          }
        }
        return;
      } catch (err) {
        if (signal.aborted || errorCode(err) === Code.UNIMPLEMENTED) return;
        log.error({ error: errorMessage(err) }, 'The upstream authority plugin stopped streaming authorities updates prematurely. Will retry later.');
      }
    }
  }
}
