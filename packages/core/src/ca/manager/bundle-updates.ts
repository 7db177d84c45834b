import { Code, errorMessage, SpireError } from '../../errors.js';
import type { Bundle } from '../../plugins/datastore/contract.js';
import type { PluginBundle } from '../../plugins/types.js';
import { SAFETY_THRESHOLD_BUNDLE_MS, sec, type CAManagerConfig } from './manager-config.js';

/** The plugin view of a stored bundle. */
export function toPluginBundle(b: Bundle, trustDomainName: string): PluginBundle {
  return {
    trustDomain: trustDomainName,
    x509Authorities: b.rootCas.map((c) => ({ asn1: c.derBytes, tainted: c.taintedKey })),
    jwtAuthorities: b.jwtSigningKeys.map((k) => ({ publicKey: k.pkixBytes, keyId: k.kid, expiresAt: k.notAfter, tainted: k.taintedKey })),
    refreshHint: b.refreshHint,
    sequenceNumber: b.sequenceNumber,
  };
}

/** What bundle updates work with. */
export type BundleUpdatesDeps = Pick<CAManagerConfig, 'trustDomain' | 'clock' | 'log' | 'dataStore' | 'notifiers' | 'bundlePublishers'>;

/** The authorities a bundle append adds. */
export type BundlePart = Partial<Pick<Bundle, 'rootCas' | 'jwtSigningKeys'>>;

/**
 * The trust bundle side of the CA manager: appends authorities, prunes expired ones and tells
 * Notifiers and BundlePublishers of every change, as SPIRE's manager does. Changes are
 * coalesced: SPIRE's one-slot "bundle updated" channel. Not serialised itself; the manager
 * calls it under its lock.
 */
export class BundleUpdates {
  private notifyChain: Promise<void> = Promise.resolve();
  private notifyPending = false;
  /** A change not yet told to Notifiers. */
  private updatePending = false;
  /** Set once Notifiers were told the bundle is loaded; changes are delivered only after that. */
  private deliveringUpdates = false;
  /** A republish queued and not started yet. */
  private republishPending = false;

  constructor(private readonly d: BundleUpdatesDeps) {}

  /** Appends to the stored bundle; a change (new sequence number) is recorded. Throws what the DataStore throws. */
  async append(part: BundlePart): Promise<Bundle> {
    const td = this.d.trustDomain.idString();
    const before = await this.d.dataStore.fetchBundle(td);
    const res = await this.d.dataStore.appendBundle({ trustDomainId: td, rootCas: part.rootCas ?? [], jwtSigningKeys: part.jwtSigningKeys ?? [], refreshHint: 0, sequenceNumber: 0 });
    if (!before || before.sequenceNumber !== res.sequenceNumber) this.changed();
    return res;
  }

  /** Removes authorities expired for more than a day; records a change when something went. */
  async prune(): Promise<boolean> {
    const changed = await this.d.dataStore.pruneBundle(this.d.trustDomain.idString(), sec(this.d.clock.now() - SAFETY_THRESHOLD_BUNDLE_MS));
    if (changed) {
      this.d.log.debug('Expired certificates were successfully pruned from bundle');
      this.changed();
    }
    return changed;
  }

  /**
   * Records a bundle change. As SPIRE, changes are delivered (coalesced) only once Notifiers were
   * told the bundle is loaded; one made before that is dropped by notifyLoaded, whose bundle
   * already holds it.
   */
  changed(): void {
    this.updatePending = true;
    if (this.deliveringUpdates) this.deliver();
  }

  /**
   * Tells Notifiers the bundle is loaded (an error is thrown, as SPIRE's
   * NotifyAndAdviseBundleLoaded) and publishes it; from then on changes are delivered as
   * BundleUpdated. Throws what a Notifier or the DataStore throws.
   */
  async notifyLoaded(): Promise<void> {
    await this.notifyChain;
    this.updatePending = false;
    const bundle = await this.fetch();
    for (const n of this.d.notifiers ?? []) await n.notifyAndAdviseBundleLoaded(bundle);
    await this.publish(bundle);
    this.deliveringUpdates = true;
    // A change made while the loaded bundle was being told is delivered now.
    if (this.updatePending) this.deliver();
  }

  /**
   * Publishes the stored bundle to every BundlePublisher again, after the notifications already
   * scheduled. SPIRE's publishing manager does this every 30 seconds whether or not the bundle
   * changed: a publish that failed is retried that way, and a change the manager did not make
   * itself (through the API) is published too. Does nothing before the bundle is loaded, and
   * nothing more while one is still queued (a slow publisher does not pile ticks up). Never
   * throws; failures are logged.
   */
  republish(): Promise<void> {
    if (!this.deliveringUpdates || this.republishPending || (this.d.bundlePublishers ?? []).length === 0) return this.notifyChain;
    this.republishPending = true;
    this.notifyChain = this.notifyChain.then(async () => {
      this.republishPending = false;
      try {
        await this.publish(await this.fetch());
      } catch (err) {
        this.d.log.error({ error: errorMessage(err) }, 'Failed to publish bundle');
      }
    });
    return this.notifyChain;
  }

  /** Resolves when every notification scheduled so far has been delivered. */
  settled(): Promise<void> {
    return this.notifyChain;
  }

  private deliver(): void {
    if (this.notifyPending) return;
    this.notifyPending = true;
    this.notifyChain = this.notifyChain.then(async () => {
      this.notifyPending = false;
      if (!this.updatePending) return;
      this.updatePending = false;
      try {
        await this.notifyUpdated();
      } catch (err) {
        this.warn('Failed to notify on bundle update', err);
      }
    });
  }

  private async fetch(): Promise<PluginBundle> {
    const b = await this.d.dataStore.fetchBundle(this.d.trustDomain.idString());
    if (!b) throw new SpireError(Code.NOT_FOUND, 'bundle not found');
    return toPluginBundle(b, this.d.trustDomain.toString());
  }

  private async notifyUpdated(): Promise<void> {
    const bundle = await this.fetch();
    await Promise.all([
      ...(this.d.notifiers ?? []).map((n) => n.notifyBundleUpdated(bundle).catch((err: unknown) => this.warn('Notifier failed to handle event', err))),
      this.publish(bundle),
    ]);
  }

  /** Hands `bundle` to every BundlePublisher at once; each failure is logged as SPIRE logs it (error). */
  private async publish(bundle: PluginBundle): Promise<void> {
    await Promise.all(
      (this.d.bundlePublishers ?? []).map((p) => p.publishBundle(bundle).catch((err: unknown) => this.d.log.error({ error: errorMessage(err) }, 'Failed to publish bundle'))),
    );
  }

  private warn(msg: string, err: unknown): void {
    this.d.log.warn({ error: errorMessage(err) }, msg);
  }
}
