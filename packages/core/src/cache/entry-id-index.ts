import { randomInt } from 'node:crypto';
import { stringHash } from './string-hash.js';

/**
 * Entry ID → slot of the entry index. Filling a `Map` with a million entry IDs is the largest
 * single cost of a full load (about 2 µs an insert at that size here, growth and GC included), and
 * the map is only read when an entry changes. So the IDs of a full load are kept as (hash, slot)
 * pairs in two typed arrays, sorted by hash once the load is done (a radix sort: tens of
 * milliseconds), and found by binary search; a candidate counts only when the slot still holds an
 * entry with that ID (`idAt`). IDs added later go into a small `Map`, which is asked first: a
 * loaded pair goes stale when its entry is removed (the slot no longer holds it), never wrong.
 *
 * The hash (`stringHash`) has a per-process random basis, so IDs that collide cannot be chosen in
 * advance. Not thread-safe.
 */
export class EntryIdIndex {
  private hashes = new Uint32Array(1024);
  private slots = new Int32Array(1024);
  private count = 0;
  private sorted = true;
  private readonly later = new Map<string, number>();
  private readonly basis = randomInt(1, 2 ** 31);

  /** `idAt(slot)`: the entry ID the index holds in `slot` now, or undefined for a free slot. */
  constructor(private readonly idAt: (slot: number) => string | undefined) {}

  private hash(s: string): number {
    return stringHash(s, this.basis);
  }

  /**
   * Records `entryId` at `slot` while a fresh index is filled from one snapshot (no ID twice).
   * Cheap: the pairs are sorted on the first look-up, or by `finishLoad`.
   */
  load(entryId: string, slot: number): void {
    if (this.count === this.hashes.length) {
      const h = new Uint32Array(this.count * 2);
      h.set(this.hashes);
      this.hashes = h;
      const s = new Int32Array(this.count * 2);
      s.set(this.slots);
      this.slots = s;
    }
    this.hashes[this.count] = this.hash(entryId);
    this.slots[this.count] = slot;
    this.count++;
    this.sorted = false;
  }

  /** Sorts the loaded pairs by hash (two 16-bit radix passes). Safe to call any number of times. */
  finishLoad(): void {
    if (this.sorted) return;
    const n = this.count;
    let h = this.hashes;
    let s = this.slots;
    let th = new Uint32Array(h.length);
    let ts = new Int32Array(s.length);
    const counts = new Uint32Array(65537);
    for (const shift of [0, 16]) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[((h[i]! >>> shift) & 0xffff) + 1]!++;
      for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
      for (let i = 0; i < n; i++) {
        const j = counts[(h[i]! >>> shift) & 0xffff]!++;
        th[j] = h[i]!;
        ts[j] = s[i]!;
      }
      [h, th] = [th, h];
      [s, ts] = [ts, s];
    }
    this.hashes = h;
    this.slots = s;
    this.sorted = true;
  }

  /** The slot of `entryId`, or undefined. */
  get(entryId: string): number | undefined {
    const l = this.later.get(entryId);
    if (l !== undefined) return l;
    if (this.count === 0) return undefined;
    this.finishLoad();
    const h = this.hash(entryId);
    const hashes = this.hashes;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hashes[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.count && hashes[i] === h; i++) {
      const slot = this.slots[i]!;
      if (this.idAt(slot) === entryId) return slot;
    }
    return undefined;
  }

  /** Records `entryId` at `slot` after the load (replacing what it had). */
  set(entryId: string, slot: number): void {
    this.later.set(entryId, slot);
  }

  /** Forgets `entryId`; the caller frees its slot, which retires a loaded pair by itself. */
  delete(entryId: string): void {
    this.later.delete(entryId);
  }
}
