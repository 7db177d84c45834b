import { DATASTORE_SCAN_BATCH_SIZE, type DataStore } from '../plugins/datastore/contract.js';
import type { TrustDomain } from '../spiffeid/index.js';
import { EntryIndex } from './entry-index.js';

/**
 * Lets the event loop run once. A store that reads ahead hands over the next batch as an already
 * settled promise, and a loop of those never leaves the microtask queue: the store's own I/O (its
 * socket, its reader thread) and every other caller of this process would wait until the whole
 * load is done.
 */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Records indexed between two turns of the event loop. A networked database sends the next batch
 * (megabytes of packed text) while this one is indexed; unread, it fills the socket buffers and the
 * server stops until the next turn. A few milliseconds of indexing per turn keep it sending, and
 * keep the periodic reload from holding up the agents' syncs (a turn costs a few microseconds).
 */
const YIELD_EVERY = 256;

/** Elapsed time of each of the two concurrent readers of a full load, milliseconds. */
export interface FullLoadTimings {
  entriesMs: number;
  nodesMs: number;
}

/**
 * Builds a fresh index from the store: every entry, from one consistent snapshot streamed in
 * batches (`scanRegistrationEntries`), and meanwhile every attested node whose certificate is
 * valid at `nowSec` with its selectors (`scanAttestedNodes`, its own snapshot). A change made
 * between the two snapshots is picked up by the next poll or reload. The records are adopted
 * (frozen in place, not copied): the store must hand out fresh objects per call, as the SQL store
 * and the test fakes do. Throws what the store throws; the partial index is dropped. Safe to call concurrently (each call builds its own).
 */
export async function loadIndex(
  ds: DataStore,
  td: TrustDomain,
  nowSec: number,
  timings?: FullLoadTimings,
  /** Read the entries from the store's read replica, when it has one (nodes always come from the primary). */
  entriesTolerateStale = false,
): Promise<EntryIndex> {
  const index = new EntryIndex(td);
  const entries = async (): Promise<number> => {
    const t0 = performance.now();
    for await (const batch of ds.scanRegistrationEntries({ batchSize: DATASTORE_SCAN_BATCH_SIZE, tolerateStale: entriesTolerateStale })) {
      for (let i = 0; i < batch.length; i++) {
        index.loadEntry(batch[i]!);
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await turn();
      }
      await turn();
    }
    return performance.now() - t0;
  };
  const nodes = async (): Promise<number> => {
    const t0 = performance.now();
    for await (const batch of ds.scanAttestedNodes({ validAt: nowSec, batchSize: DATASTORE_SCAN_BATCH_SIZE })) {
      for (let i = 0; i < batch.length; i++) {
        const n = batch[i]!;
        index.upsertAgent(n.spiffeId, n.certNotAfter, n.selectors, true);
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await turn();
      }
      await turn();
    }
    return performance.now() - t0;
  };
  // Both readers run at once (they fill disjoint parts of the index), so a networked database
  // answers one while the other's page is being indexed.
  const [entriesMs, nodesMs] = await Promise.all([entries(), nodes()]);
  // Part of the build: every entry's own SPIFFE ID, now that all parents and agents are known.
  index.settle();
  if (timings) {
    timings.entriesMs = entriesMs;
    timings.nodesMs = nodesMs;
  }
  return index;
}
