import type { RegistrationEntry } from '../plugins/datastore/contract.js';
import { ALL_ENTRY_FIELDS, type ProtoEntryMask } from './convert/entry.js';

/** How many entry IDs the cache holds before it starts over (bounds what deleted entries leave). */
export const MAX_CACHED_ENTRY_ENCODINGS = 250_000;

interface Cached {
  revisionNumber: number;
  createdAt: number;
  /** Encoded `spire.types.Entry` by mask key. */
  byMask: Map<string, Uint8Array>;
}

/**
 * The key of an output mask: which entry fields it keeps ('' for no mask: every field). Pure.
 */
export function entryMaskKey(mask: ProtoEntryMask | null | undefined): string {
  if (!mask) return '';
  let k = 'm';
  for (const f of ALL_ENTRY_FIELDS) k += mask[f] ? '1' : '0';
  return k;
}

/**
 * The protobuf encodings of `spire.types.Entry` messages, kept per entry ID and output mask, so an
 * agent's periodic sync answers its unchanged entries without converting and encoding them again.
 * An encoding is used only for the same entry ID, revision number and creation time: the store
 * bumps the revision on every update, and an entry deleted and created again under its ID has a
 * new creation time (the pair SPIRE's agents themselves compare to decide what to fetch again).
 * Holds at most MAX_CACHED_ENTRY_ENCODINGS IDs, then starts over. Not shared between servers.
 */
export class EntryEncodings {
  private readonly byId = new Map<string, Cached>();
  private hits = 0;
  private misses = 0;

  /** Counts since creation (for tests and metrics). */
  stats(): { hits: number; misses: number; entries: number } {
    return { hits: this.hits, misses: this.misses, entries: this.byId.size };
  }

  /**
   * The encoding of `e` under the mask of key `maskKey` (see `entryMaskKey`): the cached bytes when
   * `e` is the revision they were made from, else `encode()`'s, which are then kept. Throws what
   * `encode` throws (nothing is kept then). Do not modify the returned bytes.
   */
  get(e: RegistrationEntry, maskKey: string, encode: () => Uint8Array): Uint8Array {
    let c = this.byId.get(e.entryId);
    if (c && (c.revisionNumber !== e.revisionNumber || c.createdAt !== e.createdAt)) c = undefined;
    const hit = c?.byMask.get(maskKey);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const bytes = encode();
    if (!c) {
      if (this.byId.size >= MAX_CACHED_ENTRY_ENCODINGS) this.byId.clear();
      c = { revisionNumber: e.revisionNumber, createdAt: e.createdAt, byMask: new Map() };
      this.byId.set(e.entryId, c);
    }
    c.byMask.set(maskKey, bytes);
    return bytes;
  }
}
