import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordingLogger, type LogRecord } from '../log/recording-logger.js';
import type { DataStore, RegistrationEntry, ScanRegistrationEntriesOptions } from '../plugins/datastore/contract.js';
import { AuthorizedEntryCache } from './authorized-entry-cache.js';
import { DEFAULT_ENTRY_CACHE_CONFIG } from './config.js';
import { STALE_REBUILD_MAX_DROP_SHARE } from './stale-rebuild.js';
import { entry, ids, openSqlStore, TD } from './test-store.js';

const agent = 'spiffe://example.org/spire/agent/x/stale';

/**
 * A store whose read replica lags: scans that tolerate stale data leave out `behind` (entries the
 * primary has and the replica does not yet); everything else reads the primary. Counts the scans.
 */
function staleReplica(ds: DataStore) {
  const behind = new Set<string>();
  const scans = { replica: 0, primary: 0 };
  const proxy = new Proxy(ds, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'scanRegistrationEntries') {
        return async function* (opts?: ScanRegistrationEntriesOptions) {
          if (opts?.tolerateStale) scans.replica++;
          else scans.primary++;
          for await (const batch of target.scanRegistrationEntries(opts)) {
            yield opts?.tolerateStale ? batch.filter((e) => !behind.has(e.entryId)) : batch;
          }
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { ds: proxy, behind, scans };
}

async function setup(n: number) {
  const store = await openSqlStore();
  const made: RegistrationEntry[] = [];
  for (let i = 0; i < n; i++) made.push(await store.ds.createRegistrationEntry(entry(`spiffe://example.org/s${i}`, agent)));
  const replica = staleReplica(store.ds);
  const rec = recordingLogger();
  const cache = await AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, dataStore: replica.ds, trustDomain: TD, log: rec.log });
  return { store, made, replica, records: rec.records, cache };
}

const warnings = (records: LogRecord[]) => records.filter((r) => r.level === 40);

describe('AuthorizedEntryCache, full rebuild through a stale read replica (SPIRE #7210)', () => {
  it('loads from the primary at start and rebuilds entries through the replica', async () => {
    const { store, replica, cache } = await setup(3);
    try {
      assert.deepEqual(replica.scans, { replica: 0, primary: 1 });
      await cache.reload();
      assert.deepEqual(replica.scans, { replica: 1, primary: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses a rebuild that drops a sharp share of the entries the primary still has, warns with the counts and rebuilds from the primary', async () => {
    const { store, made, replica, records, cache } = await setup(10);
    try {
      for (const e of made.slice(0, 3)) replica.behind.add(e.entryId);
      await cache.reload();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), ids(made), 'no entry lost');
      assert.deepEqual(replica.scans, { replica: 1, primary: 2 }, 'the second load read the primary');
      const [w, ...more] = warnings(records);
      assert.equal(more.length, 0);
      assert.equal(w!.msg, 'Entry cache rebuild from the read replica would drop entries the primary still has; rebuilding from the primary');
      assert.deepEqual(
        { served: w!.served_entries, replica: w!.replica_entries, dropped: w!.dropped_entries, kept: w!.dropped_without_delete, share: w!.max_share },
        { served: 10, replica: 7, dropped: 3, kept: 3, share: STALE_REBUILD_MAX_DROP_SHARE },
      );
    } finally {
      await store.close();
    }
  });

  it('takes a replica a few entries behind, with those entries from the primary, without a Warn', async () => {
    const { store, made, replica, records, cache } = await setup(150);
    try {
      replica.behind.add(made[0]!.entryId);
      await cache.reload();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), ids(made));
      assert.deepEqual(replica.scans, { replica: 1, primary: 1 }, 'no rebuild from the primary');
      assert.deepEqual(warnings(records), []);
    } finally {
      await store.close();
    }
  });

  it('swaps in a rebuild whose drops are real deletes, however many', async () => {
    const { store, made, replica, records, cache } = await setup(10);
    try {
      for (const e of made.slice(0, 6)) await store.ds.deleteRegistrationEntry(e.entryId);
      await cache.reload();
      assert.deepEqual(ids(await cache.fetchAuthorizedEntries(agent)), ids(made.slice(6)));
      assert.deepEqual(replica.scans, { replica: 1, primary: 1 });
      assert.deepEqual(warnings(records), []);
    } finally {
      await store.close();
    }
  });
});
