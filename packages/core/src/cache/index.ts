export { EntryIndex, type EntryIndexStats } from './entry-index.js';
export { AuthorizedEntryCache, type AuthorizedEntryCacheOptions, type AuthorizedEntryCacheStats } from './authorized-entry-cache.js';
export { parseEntryCacheConfig, DEFAULT_ENTRY_CACHE_CONFIG, type EntryCacheConfig } from './config.js';
export { withCacheNotifications, type ChangeListener } from './notifying-store.js';
export { loadIndex, type FullLoadTimings } from './full-load.js';
export { AttestedNodeCache, NODE_CACHE_REBUILD_MS, type AttestedNodeCacheOptions, type CachedNode } from './attested-node-cache.js';
