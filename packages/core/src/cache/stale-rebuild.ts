import type { Logger } from '../log/logger.js';
import { DATASTORE_MAX_PAGE_SIZE, type DataStore, type RegistrationEntry } from '../plugins/datastore/contract.js';
import type { EntryIndex } from './entry-index.js';

/**
 * The share of the served entries that a rebuild read through the read replica may lack, while
 * the primary still has them, before the whole rebuild is refused (SPIRE #7210).
 *
 * Why 1%: a replica that lags a little misses only what was written in its last seconds (entries
 * created through this server and already served from the primary); those few are fetched from
 * the primary and added to the rebuild. A replica that lacks more than one entry in a hundred of
 * what agents are being served is not a few seconds behind but stopped, restored from an old
 * backup, or far behind; its other rows (updates, selectors) are then as stale as its missing
 * ones, and one rebuild from the primary costs less than patching thousands of entries into it.
 */
export const STALE_REBUILD_MAX_DROP_SHARE = 0.01;

/** What a replica rebuild dropped compared with the served index. */
export interface ReplicaDrops {
  /** Served entries the rebuild lacks. */
  dropped: number;
  /** Of those, the ones the primary still has (no delete committed for them): the replica is behind. */
  stillOnPrimary: RegistrationEntry[];
}

/**
 * The served entries that `fresh` lacks, checked against the primary: an entry that the primary
 * no longer has was deleted (its delete event committed) and may go; one it still has was dropped
 * only because the replica is behind. Reads the primary only when something was dropped, a page
 * of {@link DATASTORE_MAX_PAGE_SIZE} IDs per query. Throws what the store throws.
 */
export async function replicaDrops(ds: DataStore, served: EntryIndex, fresh: EntryIndex): Promise<ReplicaDrops> {
  const missing: string[] = [];
  for (const id of served.entryIds()) if (fresh.getEntry(id) === undefined) missing.push(id);
  const stillOnPrimary: RegistrationEntry[] = [];
  for (let i = 0; i < missing.length; i += DATASTORE_MAX_PAGE_SIZE) {
    const found = await ds.fetchRegistrationEntries(missing.slice(i, i + DATASTORE_MAX_PAGE_SIZE));
    stillOnPrimary.push(...found.values());
  }
  return { dropped: missing.length, stillOnPrimary };
}

/**
 * Decides what to swap in after a rebuild read through the replica: `fresh` itself when it
 * dropped nothing the primary still has; `fresh` with those entries added back when they are at
 * most {@link STALE_REBUILD_MAX_DROP_SHARE} of the served entries; otherwise nothing (undefined):
 * the caller logs nothing more and rebuilds from the primary, this function having logged a Warn
 * with the counts. Throws what the store throws.
 */
export async function acceptReplicaRebuild(ds: DataStore, served: EntryIndex, fresh: EntryIndex, log: Logger): Promise<EntryIndex | undefined> {
  const { dropped, stillOnPrimary } = await replicaDrops(ds, served, fresh);
  if (stillOnPrimary.length === 0) return fresh;
  const s = served.stats();
  const servedCount = s.entries + s.aliases;
  const counts = {
    served_entries: servedCount,
    replica_entries: fresh.stats().entries + fresh.stats().aliases,
    dropped_entries: dropped,
    dropped_without_delete: stillOnPrimary.length,
    max_share: STALE_REBUILD_MAX_DROP_SHARE,
  };
  if (stillOnPrimary.length > STALE_REBUILD_MAX_DROP_SHARE * servedCount) {
    log.warn(counts, 'Entry cache rebuild from the read replica would drop entries the primary still has; rebuilding from the primary');
    return undefined;
  }
  for (const e of stillOnPrimary) fresh.upsertEntry(e);
  log.debug(counts, 'Read replica is behind; entries it lacks were taken from the primary');
  return fresh;
}
