import type { FederatesWithConfig } from '../../config/types.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { DataStore } from '../../plugins/datastore/contract.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { BundleUpdater, type RefreshStatus } from './bundle-updater.js';
import { dataStoreConfigs, mergeConfigs, staticConfigs, type TrustDomainConfig } from './config-sources.js';
import { RefresherErrors } from './errors.js';
import { CONFIG_RELOAD_INTERVAL_MS } from './interval.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';

/** The default overall time for one fetch, redirects included (SPIRE has none). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** What the manager is built from. */
export interface FederationManagerOptions {
  /** Where relationships are listed and bundles are read and stored. */
  dataStore: DataStore;
  /** The server's logger; the manager logs with `subsystem_name: bundle_client`. */
  log: Logger;
  /** `federation.federates_with` of server.conf; they win over stored relationships for the same trust domain. */
  federatesWith?: readonly FederatesWithConfig[];
  /** Default: Node's clock and unref'd timers. */
  timers?: Timers;
  /** Overall time for one fetch; default DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Largest bundle document accepted; default MAX_BUNDLE_DOCUMENT_BYTES. */
  maxBundleBytes?: number;
  /** Where polls are counted (`bundle_manager.*`); default: not counted. */
  metrics?: Metrics;
}

/**
 * SPIRE's federated bundle client ("bundle_client"): keeps one polling loop per federated trust
 * domain, from the relationships of server.conf and of the datastore, re-read every 10 seconds
 * and at once on `triggerConfigReload()`. See docs/federation-refresher.md.
 */
export class FederationManager {
  private readonly log: Logger;
  private readonly timers: Timers;
  private readonly static: TrustDomainConfig[];
  private readonly updaters = new Map<string, BundleUpdater>();
  private reloads: Promise<void> = Promise.resolve();
  private reloadTimer: TimerHandle | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly opts: FederationManagerOptions) {
    this.log = opts.log.child({ subsystem_name: 'bundle_client' });
    this.timers = opts.timers ?? systemTimers;
    this.static = staticConfigs(opts.federatesWith ?? []);
  }

  /** The trust domains being managed now, sorted. */
  managedTrustDomains(): string[] {
    return [...this.updaters.keys()].sort();
  }

  /** Each managed trust domain's last refresh result and next poll, sorted by trust domain. Pure. */
  refreshStatus(): RefreshStatus[] {
    return this.managedTrustDomains().map((td) => this.updaters.get(td)!.status());
  }

  /**
   * Reads the relationships and starts a loop for each; resolves after that first read (a failed
   * read is logged and retried in 10 s). A second call does nothing.
   */
  async start(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    // Relationships already read by an earlier refreshBundle start polling too.
    for (const u of this.updaters.values()) u.start();
    await this.tick();
  }

  /** Re-reads the relationships now (as after a TrustDomain API write). Does nothing unless running. */
  triggerConfigReload(): void {
    if (this.running && !this.stopped) void this.tick();
  }

  /**
   * Re-reads the relationships, then fetches `trustDomain`'s endpoint once (RefreshBundle); the
   * polling schedule is not changed. Throws NOT_FOUND `no relationship with trust domain "x"` when
   * the trust domain is not managed, and the update's error (UNAVAILABLE for a fetch) when it fails.
   */
  async refreshBundle(trustDomain: string): Promise<void> {
    const td = TrustDomain.parse(trustDomain).name;
    await this.reloadConfigs();
    const updater = this.updaters.get(td);
    if (!updater) throw RefresherErrors.notManaged(td);
    const r = await updater.update();
    if (r.error) throw r.error;
  }

  /** Stops every loop (aborting fetches in flight) and the config reloads. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reloadTimer !== undefined) this.timers.clearTimeout(this.reloadTimer);
    await this.reloads;
    const all = [...this.updaters.values()];
    this.updaters.clear();
    await Promise.all(all.map((u) => u.stop()));
    if (this.running) this.log.info('Shutting down');
  }

  private async tick(): Promise<void> {
    await this.reloadConfigs();
    if (this.stopped) return;
    if (this.reloadTimer !== undefined) this.timers.clearTimeout(this.reloadTimer);
    this.reloadTimer = this.timers.setTimeout(() => void this.tick(), CONFIG_RELOAD_INTERVAL_MS);
  }

  /** One reload at a time; never rejects (a failure is logged). */
  private reloadConfigs(): Promise<void> {
    this.reloads = this.reloads.then(async () => {
      if (this.stopped) return;
      try {
        await this.reconcile(mergeConfigs(await dataStoreConfigs(this.opts.dataStore, this.log), this.static));
      } catch (err) {
        this.log.error({ error: errorMessage(err) }, 'Failed to reload configs');
      }
    });
    return this.reloads;
  }

  private async reconcile(configs: Map<string, TrustDomainConfig>): Promise<void> {
    const stale: BundleUpdater[] = [];
    for (const [td, updater] of this.updaters) {
      const config = configs.get(td);
      if (config) {
        if (updater.setConfig(config)) {
          // SPIRE logs this line (and "no longer managed") with the trust domain under `entry`;
          // here it is `trust_domain`, as on every other line of the subsystem.
          this.log.info(
            { trust_domain: td, bundle_endpoint_url: config.bundleEndpointUrl, bundle_endpoint_profile: config.profile },
            'Updated configuration for managed trust domain',
          );
        }
        configs.delete(td);
      } else {
        this.log.info({ trust_domain: td }, 'Trust domain no longer managed');
        this.updaters.delete(td);
        stale.push(updater);
      }
    }
    for (const [td, config] of configs) {
      this.log.info({ bundle_endpoint_url: config.bundleEndpointUrl, bundle_endpoint_profile: config.profile, trust_domain: td }, 'Trust domain is now managed');
      const updater = new BundleUpdater(config, {
        dataStore: this.opts.dataStore,
        timers: this.timers,
        requestTimeoutMs: this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        maxBundleBytes: this.opts.maxBundleBytes,
        log: this.log,
        ...(this.opts.metrics ? { metrics: this.opts.metrics } : {}),
      });
      this.updaters.set(td, updater);
      if (this.running) updater.start();
    }
    await Promise.all(stale.map((u) => u.stop()));
  }
}
