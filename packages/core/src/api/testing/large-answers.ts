import type { DataStore, RegistrationEntry } from '../../plugins/datastore/contract.js';

/** A store entry with every field kind set (varied by `i`), under `parentId`. */
export function storeEntry(i: number, parentId: string): RegistrationEntry {
  return {
    entryId: `list-${String(i).padStart(5, '0')}`,
    spiffeId: `spiffe://example.org/list/w${i}`,
    parentId,
    // A stored-SVID entry's selectors must share one type.
    selectors: [
      { type: 'unix', value: `uid:${i}` },
      { type: i % 9 === 0 ? 'unix' : 'k8s', value: `ns:team-${i % 7}` },
    ],
    x509SvidTtl: i % 3 === 0 ? 0 : 600 + i,
    jwtSvidTtl: i % 2 === 0 ? 0 : 300,
    federatesWith: i % 5 === 0 ? ['spiffe://td-1.org'] : [],
    dnsNames: i % 4 === 0 ? [`w${i}.example.org`, `alt${i}.example.org`] : [],
    admin: i % 11 === 0,
    downstream: i % 13 === 0,
    entryExpiry: i % 6 === 0 ? 4_102_444_800 + i : 0,
    storeSvid: i % 9 === 0 && i % 8 !== 0, // the store refuses store_svid with additional attributes
    hint: i % 3 === 0 ? `hint-${i}` : '',
    createdAt: 0,
    revisionNumber: 0,
    ...(i % 8 === 0 ? { additionalAttributes: { disableX509SvidPrefetch: true, jwtSvidIncludeJti: i % 16 === 0 } } : {}),
  };
}

/** Control over a store's scans: the first scan blocks until `release`. */
export interface BlockedScans {
  /** Scans started so far. */
  readonly count: number;
  /** Resolves once `n` scans have started. */
  started(n: number): Promise<void>;
  /** Lets the blocked scan (and any later one) proceed. */
  release(): void;
  /** Puts the store's own method back. */
  restore(): void;
}

/**
 * Replaces `ds.scanRegistrationEntries` with one that counts its calls and holds the first scan
 * before its first batch until `release` is called (the API reads unfiltered unpaged lists
 * through the scan).
 */
export function blockScans(ds: DataStore): BlockedScans {
  const own = Object.prototype.hasOwnProperty.call(ds, 'scanRegistrationEntries');
  const original = ds.scanRegistrationEntries;
  let count = 0;
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  ds.scanRegistrationEntries = (opts) => {
    count++;
    for (const w of waiters.filter((x) => count >= x.n)) w.resolve();
    const inner = original.call(ds, opts);
    return (async function* () {
      await released;
      yield* inner;
    })();
  };
  return {
    get count() {
      return count;
    },
    started: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    release,
    restore: () => {
      if (own) ds.scanRegistrationEntries = original;
      else delete (ds as Partial<DataStore>).scanRegistrationEntries;
    },
  };
}

/** Resolves once `cond()` holds, checking every few milliseconds (the test's timeout bounds it). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}
