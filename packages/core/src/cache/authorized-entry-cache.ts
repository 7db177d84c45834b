import type { Logger } from '../log/logger.js';
import { DATASTORE_MAX_PAGE_SIZE, type DataStore, type RegistrationEntry } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import type { EntryCacheConfig } from './config.js';
import type { EntryIndex, EntryIndexStats } from './entry-index.js';
import { EventFeed, pollPeriods } from './event-feed.js';
import { loadIndex, type FullLoadTimings } from './full-load.js';
import { acceptReplicaRebuild } from './stale-rebuild.js';
import { countCall } from '../telemetry/instrument.js';
import { NOOP_METRICS, type CallCounter, type Metrics } from '../telemetry/metrics.js';

/** What the cache needs: the store, the trust domain, a logger and the `experimental` settings. */
export interface AuthorizedEntryCacheOptions extends EntryCacheConfig {
  dataStore: DataStore;
  trustDomain: TrustDomain;
  log: Logger;
  /** Clock in milliseconds (tests); defaults to Date.now. */
  now?: () => number;
  /**
   * Where SPIRE's cache series go: `entry.cache.reload` for each full reload without events, and
   * with events the size and skipped-event gauges (`entry.*_cache.count`, `node.*_cache.count`,
   * `*.skipped_*_event_ids.count`), set after a step when they changed. Default: not recorded.
   */
  metrics?: Metrics;
}

/** SPIRE's events-mode gauge keys and how each is read from the stats. */
const CACHE_GAUGES: ReadonlyArray<[readonly string[], (s: AuthorizedEntryCacheStats) => number]> = [
  [['entry', 'entries_by_entryid_cache', 'count'], (s) => s.entries + s.aliases],
  [['entry', 'nodealiases_by_entryid_cache', 'count'], (s) => s.aliases],
  [['entry', 'nodealiases_by_selector_cache', 'count'], (s) => s.aliasSelectors],
  [['entry', 'skipped_entry_event_ids', 'count'], (s) => s.skippedEntryEvents],
  // One set of agents serves both of upstream's agent indexes (by ID and by expiry).
  [['node', 'agents_by_id_cache', 'count'], (s) => s.agents],
  [['node', 'agents_by_expiresat_cache', 'count'], (s) => s.agents],
  [['node', 'skipped_node_event_ids', 'count'], (s) => s.skippedNodeEvents],
];

/** Counts of the cache (index counts plus event-tracking state). */
export interface AuthorizedEntryCacheStats extends EntryIndexStats {
  skippedEntryEvents: number;
  skippedNodeEvents: number;
  /** Records changed but not yet applied (waiting for the next step or a store that is down). */
  pendingEntries: number;
  pendingNodes: number;
  /** Duration of the last full load, milliseconds. */
  lastFullLoadMs: number;
}

/**
 * SPIRE's authorized-entries cache: the entries each agent may see, served from memory.
 *
 * `create` loads everything from the store. Then, once `start`ed:
 * - without `eventsBasedCache`, everything is reloaded every `cacheReloadIntervalMs`;
 * - with it, the entry and node event tables are polled every `cacheReloadIntervalMs`, only the
 *   changed records are fetched (skipped event IDs are re-polled until `eventTimeoutMs`), and
 *   everything is reloaded every `fullCacheReloadIntervalMs`;
 * - events older than `pruneEventsOlderThanMs` are pruned every half of that, as SPIRE does.
 *
 * Changes made through this server can be applied at once: wrap the store given to the API with
 * `withCacheNotifications` (or call `noteEntryChanged`/`noteNodeChanged`), so a new entry is
 * visible to the very next sync instead of after up to one reload interval. Changes made by other
 * servers sharing the database arrive within one interval.
 *
 * A failed reload or poll is logged and keeps the current contents; the next step retries. All
 * store work runs one step at a time; lookups never wait for it and always see a whole state.
 *
 * It has the shape of the API's `AuthorizedEntryFetcher` port; the server hands it to the API
 * (the cache sits below the API and does not name the port).
 */
export class AuthorizedEntryCache {
  private index: EntryIndex;
  private readonly now: () => number;
  private readonly entryFeed: EventFeed;
  private readonly nodeFeed: EventFeed;
  private readonly pendingEntries = new Set<string>();
  private readonly pendingNodes = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private running = false;
  private lastFullAt: number;
  private lastFullLoadMs = 0;
  private readonly metrics: Metrics;
  private readonly reloadCalls: CallCounter;
  /** The gauge values last set, so that a gauge is set only when it changes (as upstream). */
  private readonly gaugeValues: number[] = [];

  private constructor(
    private readonly opts: AuthorizedEntryCacheOptions,
    index: EntryIndex,
    entryFeed: EventFeed,
    nodeFeed: EventFeed,
    loadedAt: number,
  ) {
    this.index = index;
    this.now = opts.now ?? Date.now;
    this.entryFeed = entryFeed;
    this.nodeFeed = nodeFeed;
    this.lastFullAt = loadedAt;
    this.metrics = opts.metrics ?? NOOP_METRICS;
    this.reloadCalls = this.metrics.callCounter(['entry', 'cache', 'reload']);
    this.setGauges();
  }

  /**
   * Loads the cache from the store (a full load; with events, the event position is taken first
   * so nothing written during the load is missed). Throws what the store throws (e.g. UNAVAILABLE):
   * the server should not start without its cache, as SPIRE. Does not start the timers.
   */
  static async create(opts: AuthorizedEntryCacheOptions): Promise<AuthorizedEntryCache> {
    const now = opts.now ?? Date.now;
    const ds = opts.dataStore;
    const polls = pollPeriods(opts.cacheReloadIntervalMs, opts.eventTimeoutMs);
    const entryFeed = new EventFeed(
      {
        list: async (req) => (await ds.listRegistrationEntryEvents(req)).map((e) => ({ eventId: e.eventId, key: e.entryId })),
        fetchMany: async (ids) => (await ds.fetchRegistrationEntryEvents(ids)).map((e) => ({ eventId: e.eventId, key: e.entryId })),
      },
      polls,
      opts.eventTimeoutMs,
      now,
    );
    const nodeFeed = new EventFeed(
      {
        list: async (req) => (await ds.listAttestedNodeEvents(req)).map((e) => ({ eventId: e.eventId, key: e.spiffeId })),
        fetchMany: async (ids) => (await ds.fetchAttestedNodeEvents(ids)).map((e) => ({ eventId: e.eventId, key: e.spiffeId })),
      },
      polls,
      opts.eventTimeoutMs,
      now,
    );
    const started = now();
    opts.log.info({ events_based_cache: opts.eventsBasedCache }, 'Building in-memory entry cache');
    const scratchE = new Set<string>();
    const scratchN = new Set<string>();
    if (opts.eventsBasedCache) {
      await setSpacing(ds, entryFeed, nodeFeed);
      await entryFeed.collect(scratchE);
      await nodeFeed.collect(scratchN);
    }
    const t0 = performance.now();
    const index = await loadIndex(ds, opts.trustDomain, Math.floor(started / 1000));
    const cache = new AuthorizedEntryCache(opts, index, entryFeed, nodeFeed, started);
    cache.lastFullLoadMs = performance.now() - t0;
    opts.log.info({ ...index.stats(), elapsed_ms: Math.round(cache.lastFullLoadMs) }, 'Completed building in-memory entry cache');
    return cache;
  }

  // ---- lookups ---------------------------------------------------------------------------------

  /**
   * The entries the agent may see (frozen objects shared with the cache: do not modify them).
   * Never rejects; an unknown agent gets [].
   */
  async fetchAuthorizedEntries(agentId: string): Promise<RegistrationEntry[]> {
    return this.index.authorizedEntries(agentId, this.nowSec());
  }

  /** Synchronous form of `fetchAuthorizedEntries`. Never throws. */
  authorizedEntries(agentId: string): RegistrationEntry[] {
    return this.index.authorizedEntries(agentId, this.nowSec());
  }

  /**
   * The entries among `entryIds` the agent may see, keyed by ID (SPIRE's LookupAuthorizedEntries,
   * used for the second phase of SyncAuthorizedEntries and by BatchNewX509SVID). Never rejects.
   */
  async lookupAuthorizedEntries(agentId: string, entryIds: ReadonlySet<string>): Promise<Map<string, RegistrationEntry>> {
    return this.index.lookupAuthorizedEntries(agentId, entryIds, this.nowSec());
  }

  /** Counts of the cache. Never throws. */
  stats(): AuthorizedEntryCacheStats {
    return {
      ...this.index.stats(),
      skippedEntryEvents: this.entryFeed.skippedCount,
      skippedNodeEvents: this.nodeFeed.skippedCount,
      pendingEntries: this.pendingEntries.size,
      pendingNodes: this.pendingNodes.size,
      lastFullLoadMs: this.lastFullLoadMs,
    };
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Starts the reload/poll timer and the event pruner. Calling it again does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleTick();
    this.schedulePrune();
  }

  /**
   * Stops the timers and waits for the step in progress. Safe to call twice; the cache keeps
   * answering lookups from its last state.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.pruneTimer) clearTimeout(this.pruneTimer);
    this.timer = this.pruneTimer = undefined;
    await this.whenIdle();
  }

  /** Resolves when every step queued so far has finished. Never rejects. */
  async whenIdle(): Promise<void> {
    await this.queue;
  }

  /**
   * Runs one step now, after any step in progress: with events, a poll (or a full reload when
   * one is due); otherwise a full reload. Rejects with the store's error; the cache keeps its
   * current contents then.
   */
  refresh(): Promise<void> {
    return this.enqueue(() => this.step());
  }

  /** Reloads everything now, after any step in progress. Rejects with the store's error. */
  reload(): Promise<void> {
    return this.enqueue(() => this.fullReload());
  }

  /**
   * Records that an entry was created, updated or deleted through this server; it is fetched and
   * applied right away (coalesced with other notes). Never throws; a failed fetch is retried.
   */
  noteEntryChanged(entryId: string): void {
    this.pendingEntries.add(entryId);
    this.scheduleFlush();
  }

  /** Records that a node or its selectors changed through this server; as `noteEntryChanged`. */
  noteNodeChanged(spiffeId: string): void {
    this.pendingNodes.add(spiffeId);
    this.scheduleFlush();
  }

  // ---- internals -------------------------------------------------------------------------------

  private nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private scheduleTick(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.refresh()
        .catch((err: unknown) => this.opts.log.error({ err }, 'Failed to update entry cache'))
        .finally(() => this.scheduleTick());
    }, this.opts.cacheReloadIntervalMs);
    this.timer.unref();
  }

  private schedulePrune(): void {
    if (!this.running) return;
    this.pruneTimer = setTimeout(() => {
      const ms = this.opts.pruneEventsOlderThanMs;
      Promise.allSettled([this.opts.dataStore.pruneRegistrationEntryEvents(ms), this.opts.dataStore.pruneAttestedNodeEvents(ms)])
        .then((rs) => {
          for (const r of rs) if (r.status === 'rejected') this.opts.log.error({ err: r.reason as unknown }, 'Failed to prune events');
        })
        .finally(() => this.schedulePrune());
    }, this.opts.pruneEventsOlderThanMs / 2);
    this.pruneTimer.unref();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    void this.enqueue(async () => {
      this.flushScheduled = false;
      await this.flush();
    }).catch((err: unknown) => this.opts.log.warn({ err }, 'Failed to apply entry cache changes; will retry'));
  }

  private async step(): Promise<void> {
    if (!this.opts.eventsBasedCache || this.now() - this.lastFullAt >= this.opts.fullCacheReloadIntervalMs) {
      await this.fullReload();
      return;
    }
    const e = await this.entryFeed.collect(this.pendingEntries);
    const n = await this.nodeFeed.collect(this.pendingNodes);
    if (e.fetchErrors + n.fetchErrors > 0) this.opts.log.warn({ count: e.fetchErrors + n.fetchErrors }, 'Failed to fetch skipped events');
    if (e.overflow || n.overflow) {
      this.opts.log.warn('Too many skipped events; reloading the entry cache');
      await this.fullReload();
      return;
    }
    await this.flush();
    this.index.pruneExpiredAgents(this.nowSec());
    this.setGauges();
  }

  /** Events mode: sets each size gauge whose value changed since it was last set. */
  private setGauges(): void {
    if (!this.opts.eventsBasedCache || !this.metrics.enabled) return;
    const stats = this.stats();
    CACHE_GAUGES.forEach(([key, read], i) => {
      const v = read(stats);
      if (this.gaugeValues[i] === v) return;
      this.gaugeValues[i] = v;
      this.metrics.setGauge(key, v);
    });
  }

  private async fullReload(): Promise<void> {
    if (this.opts.eventsBasedCache) {
      await this.load();
      this.setGauges();
    } else {
      await countCall(this.reloadCalls, () => this.load());
    }
  }

  private async load(): Promise<void> {
    const started = this.now();
    if (this.opts.eventsBasedCache) {
      // Take the event position first: whatever changes during the load has a later event and is
      // fetched again by the next poll. The position and the skipped IDs carry over: a reload
      // neither rescans from event zero nor forgets a gap (SPIRE #6876).
      await setSpacing(this.opts.dataStore, this.entryFeed, this.nodeFeed);
      await this.entryFeed.collect(this.pendingEntries);
      await this.nodeFeed.collect(this.pendingNodes);
    }
    const t0 = performance.now();
    const timings: FullLoadTimings = { entriesMs: 0, nodesMs: 0 };
    const nowSec = Math.floor(started / 1000);
    const ds = this.opts.dataStore;
    let index: EntryIndex | undefined;
    if (this.opts.eventsBasedCache) {
      // As SPIRE: the events cache loads from the primary (PR #4868).
      index = await loadIndex(ds, this.opts.trustDomain, nowSec, timings);
    } else {
      // As SPIRE's full cache: entries read through the replica (TolerateStale), but a rebuild
      // that drops entries the primary still has is patched or refused (#7210).
      const fresh = await loadIndex(ds, this.opts.trustDomain, nowSec, timings, true);
      index = (await acceptReplicaRebuild(ds, this.index, fresh, this.opts.log)) ?? (await loadIndex(ds, this.opts.trustDomain, nowSec, timings));
    }
    this.index = index;
    this.lastFullAt = started;
    this.lastFullLoadMs = performance.now() - t0;
    this.opts.log.debug({ ...index.stats(), elapsed_ms: Math.round(this.lastFullLoadMs) }, 'Reloaded in-memory entry cache');
    // Notes taken while loading may describe changes the load did not see yet.
    await this.flush();
  }

  /**
   * Fetches the pending records and applies them. The pending sets are emptied first, so a note
   * taken while a fetch is in flight is fetched again by the next flush; what fails is put back.
   */
  private async flush(): Promise<void> {
    const ds = this.opts.dataStore;
    await drain(this.pendingEntries, async (ids) => {
      const found = await ds.fetchRegistrationEntries(ids);
      for (const id of ids) {
        const e = found.get(id);
        if (e) this.index.upsertEntry(e);
        else this.index.removeEntry(id);
      }
    });
    await drain(this.pendingNodes, async (ids) => {
      const found = await ds.fetchAttestedNodes(ids);
      for (const id of ids) {
        const n = found.get(id);
        if (n) this.index.upsertNode(n);
        else this.index.removeAgent(id);
      }
    });
  }
}

/** Reads the store's event ID spacing (both event tables share it) into both feeds. */
async function setSpacing(ds: DataStore, ...feeds: EventFeed[]): Promise<void> {
  const spacing = await ds.eventIdSpacing();
  for (const f of feeds) f.setSpacing(spacing);
}

/** Takes every key out of `pending` and handles them a page at a time; on failure puts the rest back. */
async function drain(pending: Set<string>, apply: (ids: string[]) => Promise<void>): Promise<void> {
  const keys = [...pending];
  pending.clear();
  for (let i = 0; i < keys.length; i += DATASTORE_MAX_PAGE_SIZE) {
    try {
      await apply(keys.slice(i, i + DATASTORE_MAX_PAGE_SIZE));
    } catch (err) {
      for (const k of keys.slice(i)) pending.add(k);
      throw err;
    }
  }
}
