/** Parsing and printing of durations and times for the console's forms. */

const UNITS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/**
 * Seconds from a TTL field: a whole number of seconds ("3600") or a Go-style duration of hours,
 * minutes and seconds ("1h30m", "90s"). '' gives `fallback`. Throws Error naming `label`.
 */
export function parseTtl(text: string, label: string, fallback = 0): number {
  const t = text.trim();
  if (t === '') return fallback;
  if (/^\d+$/.test(t)) return checkRange(Number(t), t, label);
  const re = /(\d+)(h|m|s)/gy;
  let total = 0;
  let seen = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    seen = re.lastIndex;
  }
  if (seen !== t.length || seen === 0) {
    throw new Error(`${label}: "${t}" is not a number of seconds or a duration such as 1h30m`);
  }
  return checkRange(total, t, label);
}

function checkRange(n: number, t: string, label: string): number {
  if (n > 2147483647) throw new Error(`${label}: "${t}" is too long (at most 2147483647 seconds)`);
  return n;
}

/** "3d 4h 5m" style text for a number of seconds (uptime, TTLs). */
export function formatSeconds(total: number): string {
  if (!Number.isFinite(total) || total < 0) return '';
  if (total === 0) return '0s';
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.floor(total % 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s && !d) parts.push(`${s}s`);
  return parts.join(' ');
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The agents filter's time layout ("2006-01-02 15:04:05 -0700 -07"), in UTC. */
export function goTime(d: Date): string {
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`
  );
}

/**
 * Unix seconds from an `<input type="datetime-local">` value (local time); '' gives 0.
 * Throws Error naming `label` when the text is not a time.
 */
export function localInputToUnix(value: string, label: string): number {
  if (value.trim() === '') return 0;
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) throw new Error(`${label}: "${value}" is not a date and time`);
  return Math.floor(ms / 1000);
}

/** The `<input type="datetime-local">` value for unix seconds (local time); 0 gives ''. */
export function unixToLocalInput(sec: number): string {
  if (!sec) return '';
  const d = new Date(sec * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A readable UTC time for unix seconds (int64 arrives as a string); 0 or '' gives ''. */
export function formatUnix(sec: string | number | undefined): string {
  const n = Number(sec ?? 0);
  if (!n) return '';
  return new Date(n * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** A readable UTC time for an RFC 3339 text; text that is not a time is shown as given. */
export function formatIso(s: string | undefined): string {
  if (!s) return '';
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? s : formatUnix(Math.floor(ms / 1000));
}
