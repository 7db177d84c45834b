/**
 * Durations as SPIRE writes them in server.conf: Go's time.ParseDuration syntax, e.g. "6h",
 * "1h30m", "500ms", "-1.5h". Values are returned in milliseconds.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go-style duration into milliseconds. Throws an Error whose message quotes the input
 * when it is not a valid duration. A bare "0" is accepted, as in Go.
 */
export function parseDuration(input: string): number {
  const s = input.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const re = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
  if (!re.test(s)) throw new Error(`invalid duration "${input}"`);
  const sign = s.startsWith('-') ? -1 : 1;
  let total = 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (const m of s.matchAll(part)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return sign * total;
}

/** Formats milliseconds the way Go prints a time.Duration ("1h0m0s", "5m0s", "300ms", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${+rest.toFixed(6)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const sec = +(rest / 1000).toFixed(9);
    out = h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
  }
  return neg ? `-${out}` : out;
}
