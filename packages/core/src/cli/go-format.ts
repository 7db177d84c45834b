/**
 * Small formatting helpers that reproduce how SPIRE's Go CLI renders values (`%q`, `time.Time`,
 * ...), so output matches SPIRE byte for byte. gRPC code names are `codeName` in errors.ts.
 */

import { localZoneAbbreviation } from './go-local-zone.js';

/** A string quoted as Go's `%q` does for valid UTF-8 (printable runes kept, others escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `time.Unix(sec, 0).UTC().String()`: `2026-01-02 15:04:05 +0000 UTC`. */
export function goTimeUtc(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

/**
 * `time.Unix(sec, 0).String()` in the local zone (TZ): `2026-01-02 15:04:05 -0700 MST`. The zone
 * abbreviation is the one in the system's tzdata for that instant, as Go prints it (`CET`, `IST`,
 * `+04`); a local zone that is UTC (TZ empty, or naming no zone) prints `UTC`.
 */
export function goTimeLocal(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const offMin = -d.getTimezoneOffset();
  const sign = offMin >= 0 ? '+' : '-';
  const abs = Math.abs(offMin);
  const offset = `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  const zone = localZoneAbbreviation(unixSeconds, offMin * 60) ?? 'UTC';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${offset} ${zone}`;
}

/** SPIRE's `util.Pluralizer`: `msg + singular` when `n` is 1, else `msg + plural`. */
export function pluralize(msg: string, singular: string, plural: string, n: number): string {
  return msg + (n === 1 ? singular : plural);
}

/** Text of one JSON document as Go's json.Encoder writes it (compact, HTML-escaped, newline). */
export function goJson(v: unknown): string {
  return `${JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}
