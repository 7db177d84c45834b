import { scanBatchSize, type RegistrationEntry, type ScanRegistrationEntriesOptions } from '@spire-ts/core/plugin';
import type { SqlDriver } from '../driver/sql-driver.js';
import { entryAt, entryScanCols } from './entry-row.js';
import { selectRows, type FlatRows } from './packed.js';
import { keysetScan } from './scan.js';

// The bulk entry scan (the entries cache's full load): its own concern, apart from the entry
// CRUD and filters of entries.ts, because it reads packed rows by offset rather than row objects.

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
    const rows = await selectRows(snap, { columns: entryScanCols(snap.dialect), from: 'FROM registered_entries E WHERE E.id > ?', orderBy: ['E.id'], limit: size }, [after]);
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
