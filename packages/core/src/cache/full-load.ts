import { DATASTORE_MAX_PAGE_SIZE, DATASTORE_SCAN_BATCH_SIZE, type DataStore } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import { EntryIndex } from './entry-index.js';

/** Elapsed time of each of the two concurrent readers of a full load, milliseconds. */
export interface FullLoadTimings {
  entriesMs: number;
  nodesMs: number;
}

/**
 * Builds a fresh index from the store: every entry, from one consistent snapshot streamed in
 * batches (`scanRegistrationEntries`), and meanwhile every attested node whose certificate is valid at `nowSec`, with the node selectors read in one
 * call (as SPIRE's full cache does). A node attested between those two reads is picked up by the
 * next poll or reload. The records are adopted
 * (frozen in place, not copied): the store must hand out fresh objects per call, as the SQL store
 * and the test fakes do. Throws what the store
 * throws; the partial index is dropped. Safe to call concurrently (each call builds its own).
 */
export async function loadIndex(
  ds: DataStore,
  td: TrustDomain,
  nowSec: number,
  timings?: FullLoadTimings,
): Promise<EntryIndex> {
  const index = new EntryIndex(td);
  const entries = async (): Promise<number> => {
    const t0 = performance.now();
    for await (const batch of ds.scanRegistrationEntries({ batchSize: DATASTORE_SCAN_BATCH_SIZE })) {
      for (const e of batch) index.upsertEntry(e, true);
    }
    return performance.now() - t0;
  };
  // Nodes page by page without their selectors (one table), then the selectors of every valid
  // node in one read: far fewer round trips than paging nodes with their selectors.
  const nodes = async (): Promise<number> => {
    const t0 = performance.now();
    const expiry = new Map<string, number>();
    let token = '';
    do {
      const page = await ds.listAttestedNodes({ validAt: nowSec, pagination: { token, pageSize: DATASTORE_MAX_PAGE_SIZE } });
      for (const n of page.nodes) expiry.set(n.spiffeId, n.certNotAfter);
      token = page.pagination?.token ?? '';
    } while (token !== '');
    const selectors = await ds.listNodeSelectors({ validAt: nowSec });
    for (const [id, notAfter] of expiry) index.upsertAgent(id, notAfter, selectors.get(id) ?? [], true);
    return performance.now() - t0;
  };
  // Both readers run at once (they fill disjoint parts of the index), so a networked database
  // answers one while the other's page is being indexed.
  const [entriesMs, nodesMs] = await Promise.all([entries(), nodes()]);
  if (timings) {
    timings.entriesMs = entriesMs;
    timings.nodesMs = nodesMs;
  }
  return index;
}
