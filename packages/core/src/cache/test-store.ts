// Test support for the cache's suites (not a test file itself, not exported by the package).
import { mkdtempSync, rmSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, SpireError } from '../errors.js';
import { silentLogger } from '../log/logger.js';
import type { DataStore, RegistrationEntry, Selector } from '../plugins/datastore/contract.js';
import { openSqlDataStore } from '../plugins/datastore/test-support/sql-store.js';
import { TrustDomain } from '../spiffeid/index.js';
import { AuthorizedEntryCache } from './authorized-entry-cache.js';
import type { Metrics } from '../telemetry/metrics.js';
import { DEFAULT_ENTRY_CACHE_CONFIG, type EntryCacheConfig } from './config.js';

export const TD = TrustDomain.parse('example.org');
export const SERVER_ID = 'spiffe://example.org/spire/server';
/** Far in the future (Unix seconds). */
export const FAR = 4_000_000_000;

/** The real SQL DataStore on SQLite in a temp dir, removed on close. */
export async function openSqlStore(): Promise<{ ds: DataStore; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'spire-cache-test-'));
  const ds = await openSqlDataStore({ trustDomain: TD, dataDir: dir, data: { database_type: 'sqlite3', connection_string: join(dir, 'ds.sqlite3') } });
  return {
    ds,
    async close() {
      await ds.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The SQL DataStore of one suite: opened in the suite's `before` hook and closed in its `after`
 * hook. Call it in a `describe` body; the returned DataStore forwards to the store once opened.
 */
export function sqlStoreForSuite(): DataStore {
  let store: Awaited<ReturnType<typeof openSqlStore>> | undefined;
  before(async () => {
    store = await openSqlStore();
  });
  after(() => store?.close());
  return new Proxy({} as DataStore, {
    get(_target, prop) {
      if (!store) throw new Error('the suite store is used before its before() hook ran');
      const v = Reflect.get(store.ds, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(store.ds) : v;
    },
  });
}

/** A registration entry with defaults for everything but the IDs and selectors. */
export function entry(spiffeId: string, parentId: string, selectors: Selector[] = [{ type: 'unix', value: 'uid:0' }], entryId = ''): RegistrationEntry {
  return {
    entryId,
    spiffeId,
    parentId,
    selectors,
    x509SvidTtl: 0,
    jwtSvidTtl: 0,
    federatesWith: [],
    dnsNames: [],
    admin: false,
    downstream: false,
    entryExpiry: 0,
    storeSvid: false,
    hint: '',
    createdAt: 0,
    revisionNumber: 0,
  };
}

/** Stores an attested node with selectors. */
export async function attest(ds: DataStore, spiffeId: string, selectors: Selector[], certNotAfter = FAR): Promise<void> {
  await ds.createAttestedNode({
    spiffeId,
    attestationDataType: 'test',
    certSerialNumber: '1',
    certNotAfter,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: true,
    agentVersion: '',
    selectors,
  });
}

/** Entry IDs of a result, sorted. */
export function ids(entries: readonly RegistrationEntry[]): string[] {
  return entries.map((e) => e.entryId).sort();
}

/** A cache over `ds` with SPIRE's defaults and the given overrides (timers not started). */
export function newCache(ds: DataStore, over: Partial<EntryCacheConfig> & { now?: () => number; metrics?: Metrics } = {}): Promise<AuthorizedEntryCache> {
  return AuthorizedEntryCache.create({ ...DEFAULT_ENTRY_CACHE_CONFIG, ...over, dataStore: ds, trustDomain: TD, log: silentLogger() });
}

/**
 * A DataStore wrapper for failure and timing cases: `down` makes every call fail with UNAVAILABLE
 * (as the SQL store does when the database is unreachable); `hiddenEntryEvents` and
 * `hiddenEntries` hide entry events and entries from listing and fetching, as a transaction that
 * took its event ID but has not committed yet;
 * `calls` counts calls per method.
 */
export class StoreControl {
  down = false;
  readonly hiddenEntryEvents = new Set<number>();
  readonly hiddenEntries = new Set<string>();
  readonly calls = new Map<string, number>();
  readonly ds: DataStore;

  constructor(inner: DataStore) {
    this.ds = new Proxy(inner, {
      get: (target, prop, receiver) => {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        const fn = v as (...a: unknown[]) => Promise<unknown>;
        const name = String(prop);
        if (name === 'scanRegistrationEntries' || name === 'scanAttestedNodes') {
          return (...args: unknown[]) => this.scan(name, () => fn.apply(target, args) as unknown as AsyncIterable<{ entryId?: string }[]>);
        }
        return async (...args: unknown[]) => {
          this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
          if (this.down) throw new SpireError(Code.UNAVAILABLE, 'database unavailable: test outage');
          const out = await fn.apply(target, args);
          if (name === 'listRegistrationEntryEvents') {
            return (out as { eventId: number }[]).filter((e) => !this.hiddenEntryEvents.has(e.eventId));
          }
          if (name === 'fetchRegistrationEntryEvent' && this.hiddenEntryEvents.has(args[0] as number)) return undefined;
          if (name === 'fetchRegistrationEntryEvents') {
            return (out as { eventId: number }[]).filter((e) => !this.hiddenEntryEvents.has(e.eventId));
          }
          if (name === 'listRegistrationEntries') {
            const r = out as { entries: { entryId: string }[] };
            return { ...r, entries: r.entries.filter((e) => !this.hiddenEntries.has(e.entryId)) };
          }
          if (name === 'fetchRegistrationEntries') {
            const m = new Map(out as Map<string, unknown>);
            for (const id of this.hiddenEntries) m.delete(id);
            return m;
          }
          return out;
        };
      },
    });
  }

  /** A scan through the control: counted, failing while down, hidden entries left out. */
  private async *scan<T extends { entryId?: string }>(name: string, inner: () => AsyncIterable<T[]>): AsyncGenerator<T[]> {
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
    if (this.down) throw new SpireError(Code.UNAVAILABLE, 'database unavailable: test outage');
    for await (const batch of inner()) yield batch.filter((e) => e.entryId === undefined || !this.hiddenEntries.has(e.entryId));
  }

  /** Hides an entry and its latest event (an uncommitted create). */
  async hideLatest(entryId: string): Promise<number> {
    const evs = await this.ds.listRegistrationEntryEvents({});
    const ev = evs.filter((e) => e.entryId === entryId).pop();
    if (!ev) throw new Error(`no event for ${entryId}`);
    this.hiddenEntryEvents.add(ev.eventId);
    this.hiddenEntries.add(entryId);
    return ev.eventId;
  }

  /** Shows everything again (the transaction committed). */
  commitAll(): void {
    this.hiddenEntryEvents.clear();
    this.hiddenEntries.clear();
  }

  count(name: string): number {
    return this.calls.get(name) ?? 0;
  }
}
