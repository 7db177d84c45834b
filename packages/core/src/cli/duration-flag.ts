import { formatDuration, parseDuration } from '../duration.js';

/**
 * A Go duration flag value (`-ttl 1h`) in milliseconds; throws Go flag's wording for bad values.
 * Go accepts a bare `0` and unit-suffixed values only.
 */
export function durationFlag(name: string, value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new Error(`invalid value ${JSON.stringify(value)} for flag -${name}: parse error`);
  }
}

/** Seconds for a TTL, rounded up as SPIRE's mint commands do; throws when it overflows int32. */
export function ttlSeconds(ms: number): number {
  const s = Math.ceil(ms / 1000);
  // SPIRE casts a time.Duration holding the seconds, so its message prints that count as a Duration.
  if (s > 2 ** 31 - 1 || s < -(2 ** 31)) throw new Error(`invalid value for TTL: overflow converting time.Duration(${formatDuration(s / 1e6)}) to int32`);
  return s;
}

/** RFC 3339 in UTC without fractional seconds, as Go's time.RFC3339. */
export function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
