import { randomInt } from 'node:crypto';
import { stringHash } from './string-hash.js';

/**
 * A Bloom filter of strings for the entry index: the SPIFFE IDs of entries that no other entry is
 * parented to ("leaves"). When a SPIFFE ID becomes known to the index for the first time, a miss
 * here proves no leaf carries it, so the index need not look for one; a hit (a real one, or about
 * one false one in 200 at the sizes used) makes it look. Never a false negative.
 *
 * Sized for `capacity` strings at 16 bits each, 3 probes. `add` past the capacity still works,
 * with more false hits; the index rebuilds a fuller filter. Not thread-safe.
 */
export class LeafFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  /** Strings added since the filter was made. */
  added = 0;

  /** A filter with room for about `capacity` strings. */
  constructor(readonly capacity: number) {
    let m = 1024;
    while (m < capacity * 16) m *= 2;
    this.bits = new Uint32Array(m / 32);
    this.mask = m - 1;
  }

  private readonly basis = randomInt(1, 2 ** 31);

  /** Adds `s`. Safe to repeat. */
  add(s: string): void {
    const h = stringHash(s, this.basis);
    const step = (h >>> 17) | 1;
    for (let k = 0, x = h; k < 3; k++, x = (x + step) | 0) {
      const b = x & this.mask;
      this.bits[b >>> 5]! |= 1 << (b & 31);
    }
    this.added++;
  }

  /** False when `s` was certainly never added. */
  mightContain(s: string): boolean {
    const h = stringHash(s, this.basis);
    const step = (h >>> 17) | 1;
    for (let k = 0, x = h; k < 3; k++, x = (x + step) | 0) {
      const b = x & this.mask;
      if ((this.bits[b >>> 5]! & (1 << (b & 31))) === 0) return false;
    }
    return true;
  }
}
