import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ENTRY_CACHE_CONFIG, parseEntryCacheConfig } from './config.js';

describe('parseEntryCacheConfig', () => {
  it("uses SPIRE's defaults", () => {
    assert.deepEqual(parseEntryCacheConfig(undefined), { config: { ...DEFAULT_ENTRY_CACHE_CONFIG }, problems: [] });
    assert.equal(DEFAULT_ENTRY_CACHE_CONFIG.cacheReloadIntervalMs, 5000);
  });

  it('reads every option and leaves other experimental keys alone', () => {
    const r = parseEntryCacheConfig({
      events_based_cache: true,
      cache_reload_interval: '1s',
      full_cache_reload_interval: '1h',
      event_timeout: '2m',
      prune_events_older_than: '6h',
      named_pipe_name: 'ignored here',
    });
    assert.deepEqual(r, {
      config: { eventsBasedCache: true, cacheReloadIntervalMs: 1000, fullCacheReloadIntervalMs: 3_600_000, eventTimeoutMs: 120_000, pruneEventsOlderThanMs: 21_600_000 },
      problems: [],
    });
  });

  it('accepts the deprecated sql_transaction_timeout, but not together with event_timeout', () => {
    assert.equal(parseEntryCacheConfig({ sql_transaction_timeout: '30s' }).config?.eventTimeoutMs, 30_000);
    assert.deepEqual(parseEntryCacheConfig({ sql_transaction_timeout: '30s', event_timeout: '1m' }).problems, [
      'both experimental sql_transaction_timeout and event_timeout set, only set event_timeout',
    ]);
  });

  it('collects every problem, naming each option', () => {
    const r = parseEntryCacheConfig({ events_based_cache: 'yes', cache_reload_interval: 'soon', event_timeout: '0s' });
    assert.equal(r.config, undefined);
    assert.deepEqual(r.problems, [
      'experimental.events_based_cache must be a boolean',
      'experimental.cache_reload_interval must be a duration such as "30s", "5m" or "6h"; got "soon"',
      'experimental.event_timeout must be greater than zero',
    ]);
  });
});
