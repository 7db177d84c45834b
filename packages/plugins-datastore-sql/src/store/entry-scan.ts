import { scanBatchSize, type RegistrationEntry, type ScanRegistrationEntriesOptions } from '@spire-ts/core/plugin';
import type { SqlDriver } from '../driver/sql-driver.js';
import { selectRows, type FlatRows } from './packed.js';
import { keysetScan } from './scan.js';

// The bulk entry scan (the entries cache's full load): its own concern, apart from the entry
// CRUD and filters of entries.ts, because it reads packed rows by offset rather than row objects.

/** The scan's entry columns, in the order `entryAt` reads them. */
const SCAN_COLS = [
  'id', 'entry_id', 'spiffe_id', 'parent_id', 'ttl', 'x509_svid_ttl', 'jwt_svid_ttl', 'admin', 'downstream', 'expiry', 'store_svid', 'hint',
  'disable_x509_svid_prefetch', 'jwt_svid_include_jti', 'has_additional_attributes', 'created_at', 'revision_number',
];

/**
 * The entry of the SCAN_COLS row at field offset `o` of `f` (values as the driver gives them, or
 * packed text), with no selectors, DNS names or trust domains yet.
 */
function entryAt(f: readonly unknown[], o: number): RegistrationEntry {
  const e: RegistrationEntry = {
    entryId: f[o + 1] as string,
    spiffeId: f[o + 2] as string,
    parentId: f[o + 3] as string,
    selectors: [],
    x509SvidTtl: Number(f[o + 5]),
    jwtSvidTtl: Number(f[o + 6]),
    federatesWith: [],
    dnsNames: [],
    admin: Number(f[o + 7]) === 1,
    downstream: Number(f[o + 8]) === 1,
    entryExpiry: Number(f[o + 9]),
    storeSvid: Number(f[o + 10]) === 1,
    hint: f[o + 11] as string,
    createdAt: Number(f[o + 15]),
    revisionNumber: Number(f[o + 16]),
  };
  if (Number(f[o + 4]) !== 0) e.ttl = Number(f[o + 4]);
  if (Number(f[o + 14]) === 1) {
    e.additionalAttributes = { disableX509SvidPrefetch: Number(f[o + 12]) === 1, jwtSvidIncludeJti: Number(f[o + 13]) === 1 };
  }
  return e;
}

/**
 * Walks child rows (entry row id first) ordered by entry row id alongside `ids` (ascending) and
 * hands each child's field offset to the entry it belongs to: one pass, no look-up table.
 */
function mergeChildren(ids: readonly number[], entries: readonly RegistrationEntry[], children: FlatRows, add: (e: RegistrationEntry, f: readonly unknown[], o: number) => void): void {
  const { fields, width } = children;
  let i = 0;
  for (let o = 0; o < fields.length; o += width) {
    const eid = Number(fields[o]);
    while (i < ids.length && ids[i]! < eid) i++;
    if (i < ids.length && ids[i] === eid) add(entries[i]!, fields, o);
  }
}

/**
 * Every entry, in batches, from one read snapshot: each batch is one keyset range of entry rows
 * (ordered by row id), and the selectors, DNS names and trust domains of exactly that id range,
 * each read in one ordered range scan of the child table's entry index and merged in one pass.
 * Children appear in the order `listEntries` gives them (selectors and DNS names by row id, trust
 * domains by name). See `keysetScan` for the snapshot's life and read-ahead. Rows are
 * read packed (one text value per row, see packed.ts), or as arrays when a value holds the
 * separator: at a million entries either is far cheaper in the driver than row objects.
 */
export function scanEntries(db: SqlDriver, opts: ScanRegistrationEntriesOptions | undefined): AsyncGenerator<RegistrationEntry[]> {
  const size = scanBatchSize(opts);
  return keysetScan(db, async (snap, after) => {
    const rows = await selectRows(snap, { columns: SCAN_COLS, from: 'FROM registered_entries WHERE id > ?', orderBy: ['id'], limit: size }, [after]);
    if (rows.count === 0) return undefined;
    const ids = new Array<number>(rows.count);
    const entries = new Array<RegistrationEntry>(rows.count);
    for (let i = 0, o = 0; i < rows.count; i++, o += rows.width) {
      ids[i] = Number(rows.fields[o]);
      entries[i] = entryAt(rows.fields, o);
    }
    const last = ids[rows.count - 1]!;
    const range = [after, last];
    const children = async (): Promise<RegistrationEntry[]> => {
      const [sels, dns, fed] = await Promise.all([
        selectRows(
          snap,
          { columns: ['registered_entry_id', 'type', 'value'], from: 'FROM selectors WHERE registered_entry_id > ? AND registered_entry_id <= ?', orderBy: ['registered_entry_id', 'id'] },
          range,
        ),
        selectRows(
          snap,
          { columns: ['registered_entry_id', 'value'], from: 'FROM dns_names WHERE registered_entry_id > ? AND registered_entry_id <= ?', orderBy: ['registered_entry_id', 'id'] },
          range,
        ),
        selectRows(
          snap,
          {
            columns: ['F.registered_entry_id', 'B.trust_domain'],
            from: 'FROM federated_registration_entries F JOIN bundles B ON B.id = F.bundle_id WHERE F.registered_entry_id > ? AND F.registered_entry_id <= ?',
            orderBy: ['F.registered_entry_id', 'B.trust_domain'],
          },
          range,
        ),
      ]);
      mergeChildren(ids, entries, sels, (e, f, o) => e.selectors.push({ type: f[o + 1] as string, value: f[o + 2] as string }));
      mergeChildren(ids, entries, dns, (e, f, o) => e.dnsNames.push(f[o + 1] as string));
      mergeChildren(ids, entries, fed, (e, f, o) => e.federatesWith.push(f[o + 1] as string));
      return entries;
    };
    return { last, more: rows.count === size, items: children() };
  });
}
