import { ConfigReader, type ParseResult, type PluginData } from '../plugins/config-reader.js';

/** The server settings the authorized-entries cache reads (server.conf `experimental` block). */
export interface EntryCacheConfig {
  /** `events_based_cache`: follow the entry and node event tables instead of reloading. */
  eventsBasedCache: boolean;
  /**
   * `cache_reload_interval`, milliseconds: how often the cache reloads everything (or, with
   * events, polls the event tables). Also bounds how long a change made by another server takes
   * to reach this server's agents.
   */
  cacheReloadIntervalMs: number;
  /** `full_cache_reload_interval`, milliseconds: full reloads when following events. */
  fullCacheReloadIntervalMs: number;
  /**
   * `event_timeout` (or its deprecated name `sql_transaction_timeout`), milliseconds: how long a
   * skipped event ID is polled for before giving up.
   */
  eventTimeoutMs: number;
  /** `prune_events_older_than`, milliseconds: events older than this are deleted. */
  pruneEventsOlderThanMs: number;
}

/** SPIRE's defaults: 5s, 24h, 15m, 12h, events off. */
export const DEFAULT_ENTRY_CACHE_CONFIG: Readonly<EntryCacheConfig> = Object.freeze({
  eventsBasedCache: false,
  cacheReloadIntervalMs: 5_000,
  fullCacheReloadIntervalMs: 24 * 3_600_000,
  eventTimeoutMs: 15 * 60_000,
  pruneEventsOlderThanMs: 12 * 3_600_000,
});

/**
 * Reads the cache settings out of the server's `experimental` block (undefined: all defaults).
 * Collects every problem, each naming its option (`experimental.cache_reload_interval must be
 * ...`); the config is returned only when there are none. Other keys of the block are left alone
 * (they belong to other parts of the server). Pure; safe to call any number of times.
 */
export function parseEntryCacheConfig(experimental: PluginData | undefined): ParseResult<EntryCacheConfig> {
  const r = new ConfigReader(experimental ?? {}, 'experimental.');
  const d = DEFAULT_ENTRY_CACHE_CONFIG;
  const positive = (key: string, dflt: number): number => {
    const v = r.duration(key, { default: dflt });
    if (v === undefined) return dflt;
    if (v <= 0) {
      r.problem(`experimental.${key} must be greater than zero`);
      return dflt;
    }
    return v;
  };
  const config: EntryCacheConfig = {
    eventsBasedCache: r.bool('events_based_cache', { default: d.eventsBasedCache }) ?? d.eventsBasedCache,
    cacheReloadIntervalMs: positive('cache_reload_interval', d.cacheReloadIntervalMs),
    fullCacheReloadIntervalMs: positive('full_cache_reload_interval', d.fullCacheReloadIntervalMs),
    // sql_transaction_timeout is SPIRE's deprecated name of event_timeout.
    eventTimeoutMs: r.has('event_timeout') || !r.has('sql_transaction_timeout') ? positive('event_timeout', d.eventTimeoutMs) : positive('sql_transaction_timeout', d.eventTimeoutMs),
    pruneEventsOlderThanMs: positive('prune_events_older_than', d.pruneEventsOlderThanMs),
  };
  if (r.has('event_timeout') && r.has('sql_transaction_timeout')) {
    r.problem('both experimental sql_transaction_timeout and event_timeout set, only set event_timeout');
  }
  return r.problems.length > 0 ? { problems: r.problems } : { config, problems: [] };
}
