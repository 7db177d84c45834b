import { performance } from 'node:perf_hooks';
import { toPem } from '../../ca/x509/certificate.js';
import { errorMessage, type SpireError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { Bundle, DataStore } from '../../plugins/datastore/contract.js';
import { SpiffeId } from '../../spiffeid/index.js';
import { fetchBundle, type EndpointAuth } from './bundle-fetch.js';
import { sameConfig, type TrustDomainConfig } from './config-sources.js';
import { RefresherErrors } from './errors.js';
import { nextPollDelayMs } from './interval.js';
import type { TimerHandle, Timers } from './timers.js';
import { NOOP_METRICS, type CallCounter, type Metrics } from '../../telemetry/metrics.js';
import { statusOfError } from '../../telemetry/instrument.js';

/** What an updater needs besides its config. */
export interface UpdaterDeps {
  dataStore: DataStore;
  timers: Timers;
  requestTimeoutMs: number;
  maxBundleBytes?: number;
  /** The manager's logger (subsystem bundle_client); the updater adds `trust_domain`. */
  log: Logger;
  /** Where each poll is counted (SPIRE's `bundle_manager.*` series); default: not counted. */
  metrics?: Metrics;
}

/** The outcome of one update. */
export interface UpdateResult {
  /** The stored copy read before the fetch, when there was one. */
  local?: Bundle;
  /** The fetched bundle, when it differed from the stored copy and was stored. */
  refreshed?: Bundle;
  error?: SpireError;
}

/** What the refresher last did for one trust domain (epoch milliseconds of its clock). */
export interface RefreshStatus {
  trustDomain: string;
  /** When the last update (poll or RefreshBundle) ended. */
  lastAttempt?: number;
  /** When an update last succeeded (the bundle was current or was stored). */
  lastSuccess?: number;
  /** The last update's error message, when it failed. */
  lastError?: string;
  /** When the next poll is due, while polling. */
  nextRefresh?: number;
}

/** Same trust domain, hint, sequence, X.509 authorities and JWT keys (taint flags and key expiry, which a document does not carry, are not compared). */
export function sameBundle(a: Bundle, b: Bundle): boolean {
  const roots = (x: Bundle) => x.rootCas.map((c) => Buffer.from(c.derBytes).toString('base64')).sort();
  const keys = (x: Bundle) => x.jwtSigningKeys.map((k) => `${k.kid}\u0000${Buffer.from(k.pkixBytes).toString('base64')}`).sort();
  const eq = (p: string[], q: string[]) => p.length === q.length && p.every((v, i) => v === q[i]);
  return a.trustDomainId === b.trustDomainId && a.refreshHint === b.refreshHint && a.sequenceNumber === b.sequenceNumber && eq(roots(a), roots(b)) && eq(keys(a), keys(b));
}

/** Go's time.RFC3339 in UTC (no fraction), as SPIRE logs `at`. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Keeps one federated trust domain's bundle current: polls its endpoint on the refresh-hint
 * schedule and stores the fetched bundle when it differs from the stored one.
 */
export class BundleUpdater {
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private timer: TimerHandle | undefined;
  private loop: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  private readonly metrics: Metrics;
  /** `bundle_manager.fetch.federated_bundle`, labelled with the trust domain: one call per poll. */
  private readonly pollCalls: CallCounter;
  private lastAttempt: number | undefined;
  private lastSuccess: number | undefined;
  private lastError: string | undefined;
  private nextRefresh: number | undefined;

  constructor(
    private config: TrustDomainConfig,
    private readonly deps: UpdaterDeps,
  ) {
    this.log = deps.log.child({ trust_domain: config.trustDomain });
    this.metrics = deps.metrics ?? NOOP_METRICS;
    this.pollCalls = this.metrics.callCounter(['bundle_manager', 'fetch', 'federated_bundle'], { trust_domain_id: config.trustDomain });
  }

  /** The current config. */
  get trustDomainConfig(): TrustDomainConfig {
    return this.config;
  }

  /** What this updater last did (for the web console's federation page). Pure. */
  status(): RefreshStatus {
    return {
      trustDomain: this.config.trustDomain,
      ...(this.lastAttempt !== undefined ? { lastAttempt: this.lastAttempt } : {}),
      ...(this.lastSuccess !== undefined ? { lastSuccess: this.lastSuccess } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.nextRefresh !== undefined ? { nextRefresh: this.nextRefresh } : {}),
    };
  }

  /** Replaces the config (used from the next poll on); returns whether it changed. */
  setConfig(config: TrustDomainConfig): boolean {
    if (sameConfig(this.config, config)) return false;
    this.config = config;
    return true;
  }

  /**
   * One update, as SPIRE's UpdateBundle: authenticate (https_spiffe: the stored bundle of the
   * endpoint ID's trust domain), read the stored copy, fetch, and store the fetched bundle only
   * when it differs. Never rejects; a failure is in `error` and leaves the stored bundle as it was.
   */
  async update(): Promise<UpdateResult> {
    const r = await this.updateOnce();
    this.lastAttempt = this.deps.timers.now();
    if (r.error) this.lastError = errorMessage(r.error);
    else {
      this.lastSuccess = this.lastAttempt;
      this.lastError = undefined;
    }
    return r;
  }

  private async updateOnce(): Promise<UpdateResult> {
    const cfg = this.config;
    const ds = this.deps.dataStore;
    let auth: EndpointAuth = { profile: 'https_web' };
    if (cfg.profile === 'https_spiffe') {
      let endpointTd: string;
      let anchor: Bundle | undefined;
      try {
        endpointTd = SpiffeId.parse(cfg.endpointSpiffeId ?? '').trustDomain.idString();
        anchor = await ds.fetchBundle(endpointTd);
      } catch (err) {
        return { error: RefresherErrors.localFetchFailed(cfg.endpointSpiffeId ?? '', err) };
      }
      if (!anchor) return { error: RefresherErrors.noEndpointBundle() };
      if (anchor.rootCas.length === 0) return { error: RefresherErrors.noEndpointRoots() };
      auth = { profile: 'https_spiffe', endpointSpiffeId: cfg.endpointSpiffeId!, rootsPem: anchor.rootCas.map((c) => toPem([c.derBytes])) };
    }
    let local: Bundle | undefined;
    try {
      local = await ds.fetchBundle(`spiffe://${cfg.trustDomain}`);
    } catch (err) {
      return { error: RefresherErrors.localFetchFailed(cfg.trustDomain, err) };
    }
    let fetched: Bundle;
    try {
      fetched = await fetchBundle(cfg.bundleEndpointUrl, cfg.trustDomain, auth, {
        timeoutMs: this.deps.requestTimeoutMs,
        maxBytes: this.deps.maxBundleBytes,
        timers: this.deps.timers,
        signal: this.abort.signal,
      });
    } catch (err) {
      return { local, error: err as SpireError };
    }
    if (local && sameBundle(local, fetched)) return { local };
    try {
      await ds.setBundle(fetched);
    } catch (err) {
      return { local, error: RefresherErrors.storeFailed(err) };
    }
    return { local, refreshed: fetched };
  }

  /** Starts polling now. A second call does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.loop = this.poll();
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.nextRefresh = undefined;
    if (this.stopped) return;
    this.log.debug('Polling for bundle update');
    const t0 = performance.now();
    const r = await this.update();
    this.pollCalls.done(r.error ? statusOfError(r.error) : 'OK', performance.now() - t0);
    if (this.stopped) return;
    if (r.error) this.log.error({ error: errorMessage(r.error), bundle_endpoint_url: this.config.bundleEndpointUrl }, 'Error updating bundle');
    if (r.refreshed) {
      this.metrics.incrCounter(['bundle_manager', 'update', 'federated_bundle'], 1, { trust_domain_id: this.config.trustDomain });
      this.log.info('Bundle refreshed');
    }
    const delay = nextPollDelayMs(r.refreshed ?? r.local);
    this.log.debug({ at: rfc3339(this.deps.timers.now() + delay) }, 'Scheduling next bundle refresh');
    this.nextRefresh = this.deps.timers.now() + delay;
    this.timer = this.deps.timers.setTimeout(() => {
      this.loop = this.poll();
    }, delay);
  }

  /** Stops polling and aborts a fetch in flight; resolves once the loop has ended. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.abort.abort();
    await this.loop;
    if (this.started) this.log.info('No longer polling for updates');
  }
}
