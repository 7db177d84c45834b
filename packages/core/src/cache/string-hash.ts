/**
 * A 32-bit hash of a string's UTF-16 code units for the cache's own tables: FNV-1a from `basis`
 * (callers pick a per-process random one, so colliding keys cannot be chosen in advance), then a
 * final mix so that the low bits depend on every character.
 */
export function stringHash(s: string, basis: number): number {
  let h = basis | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h >>> 0;
}
