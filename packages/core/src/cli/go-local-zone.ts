import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/**
 * The zone abbreviation Go prints for a local time (`CET`, `IST`, `+04`). Go takes it from the
 * system's tzdata file for the zone TZ names (or /etc/localtime when TZ is unset), so this reads
 * the same file rather than asking Intl, whose short names depend on the locale.
 */

interface TzInfo {
  /** Transition times (Unix seconds), ascending. */
  times: number[];
  /** Index into `types` of the type in force from each transition. */
  idx: number[];
  types: Array<{ utoff: number; isDst: boolean; abbr: string }>;
  /** The POSIX TZ rule for times after the last transition, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`. */
  footer: string;
}

/** Where Go looks for zone files on Linux. */
const ZONE_DIRS = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];

/** Parses a TZif file (version 2+ data block when present). Returns undefined when malformed. */
function parseTzif(buf: Buffer): TzInfo | undefined {
  if (buf.length < 44 || buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const version = buf[4]!;
  const counts = (at: number) => ({
    isut: buf.readUInt32BE(at + 20),
    isstd: buf.readUInt32BE(at + 24),
    leap: buf.readUInt32BE(at + 28),
    time: buf.readUInt32BE(at + 32),
    type: buf.readUInt32BE(at + 36),
    char: buf.readUInt32BE(at + 40),
  });
  let at = 0;
  let c = counts(at);
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the version 1 block; the 64-bit block that follows covers every time.
    at = 44 + c.time * 5 + c.type * 6 + c.char + c.leap * 8 + c.isstd + c.isut;
    c = counts(at);
    timeSize = 8;
  }
  let p = at + 44;
  const times: number[] = [];
  for (let i = 0; i < c.time; i++, p += timeSize) times.push(timeSize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  const idx: number[] = [];
  for (let i = 0; i < c.time; i++, p++) idx.push(buf[p]!);
  const rawTypes: Array<{ utoff: number; isDst: boolean; ai: number }> = [];
  for (let i = 0; i < c.type; i++, p += 6) rawTypes.push({ utoff: buf.readInt32BE(p), isDst: buf[p + 4] === 1, ai: buf[p + 5]! });
  const chars = buf.subarray(p, p + c.char);
  p += c.char + c.leap * (timeSize + 4) + c.isstd + c.isut;
  const types = rawTypes.map((t) => {
    const end = chars.indexOf(0, t.ai);
    return { utoff: t.utoff, isDst: t.isDst, abbr: chars.toString('latin1', t.ai, end === -1 ? chars.length : end) };
  });
  let footer = '';
  if (timeSize === 8 && buf[p] === 0x0a) {
    const end = buf.indexOf(0x0a, p + 1);
    if (end !== -1) footer = buf.toString('latin1', p + 1, end);
  }
  return { times, idx, types, footer };
}

/** The zone file Go would load for `tz` (TZ's value; undefined when unset); undefined means UTC. */
function zoneFile(tz: string | undefined): Buffer | undefined {
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  };
  if (tz === undefined) return read('/etc/localtime');
  let name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name === '' || name === 'UTC') return undefined;
  if (isAbsolute(name)) return read(name);
  // Go refuses names that could leave the zoneinfo directory.
  if (name.includes('..') || name.includes('\\')) return undefined;
  name = name.replace(/^\/+/, '');
  for (const dir of ZONE_DIRS) {
    const b = read(join(dir, name));
    if (b) return b;
  }
  return undefined;
}

/** The std and dst abbreviations and offsets (seconds east of UTC) of a POSIX TZ rule. */
function footerZones(footer: string): Array<{ abbr: string; utoff: number }> {
  const m = /^(<[^>]+>|[A-Za-z]+)([+-]?\d{1,2}(?::\d{1,2}){0,2})(<[^>]+>|[A-Za-z]+)?([+-]?\d{1,2}(?::\d{1,2}){0,2})?/.exec(footer);
  if (!m) return [];
  const unquote = (s: string) => s.replace(/^<|>$/g, '');
  const secs = (s: string) => {
    const neg = s.startsWith('-');
    const [h = 0, mi = 0, se = 0] = s.replace(/^[+-]/, '').split(':').map(Number);
    // POSIX offsets are west of UTC.
    return (neg ? 1 : -1) * (h * 3600 + mi * 60 + se);
  };
  const std = { abbr: unquote(m[1]!), utoff: secs(m[2]!) };
  if (!m[3]) return [std];
  return [std, { abbr: unquote(m[3]), utoff: m[4] ? secs(m[4]) : std.utoff + 3600 }];
}

let cached: { tz: string | undefined; info: TzInfo | undefined } | undefined;

/**
 * Go's abbreviation for the local zone at `unixSeconds`, whose offset from UTC is `utoffSeconds`
 * (as the platform computed it). Undefined when the local zone is UTC (no zone file, TZ empty or
 * unknown); the caller then prints `UTC`.
 */
export function localZoneAbbreviation(unixSeconds: number, utoffSeconds: number, tz: string | undefined = process.env.TZ): string | undefined {
  if (!cached || cached.tz !== tz) {
    const file = zoneFile(tz);
    cached = { tz, info: file ? parseTzif(file) : undefined };
  }
  const info = cached.info;
  if (!info || info.types.length === 0) return undefined;
  const last = info.times.length > 0 ? info.times[info.times.length - 1]! : -Infinity;
  if (info.footer !== '' && unixSeconds >= last) {
    const zone = footerZones(info.footer).find((z) => z.utoff === utoffSeconds);
    if (zone) return zone.abbr;
  }
  let i = -1;
  for (let lo = 0, hi = info.times.length - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (info.times[mid]! <= unixSeconds) {
      i = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const type = i >= 0 ? info.types[info.idx[i]!] : (info.types.find((t) => !t.isDst) ?? info.types[0]);
  return type?.abbr;
}
