import type { Label, MetricSink, Recorder, Series } from './sink.js';

/** go-metrics' interval and retention for SPIRE's InMem sink. */
export const INMEM_INTERVAL_MS = 1_000;
export const INMEM_RETENTION_MS = 3_600_000;

/** Count, sum, sum of squares, min, max and last update of the values one series got in an interval. */
class Aggregate {
  count = 0;
  sum = 0;
  sumSq = 0;
  min = 0;
  max = 0;
  lastUpdated = 0;

  ingest(v: number, now: number): void {
    this.count++;
    this.sum += v;
    this.sumSq += v * v;
    if (v < this.min || this.count === 1) this.min = v;
    if (v > this.max || this.count === 1) this.max = v;
    this.lastUpdated = now;
  }

  /** Sample standard deviation, 0 for fewer than two values. */
  stddev(): number {
    const div = this.count * (this.count - 1);
    return div === 0 ? 0 : Math.sqrt((this.count * this.sumSq - this.sum * this.sum) / div);
  }

  /** go-metrics' AggregateSample text. */
  toString(): string {
    if (this.count === 0) return 'Count: 0';
    const at = formatGoTime(this.lastUpdated);
    if (this.stddev() === 0) return `Count: ${this.count} Sum: ${fixed3(this.sum)} LastUpdated: ${at}`;
    return `Count: ${this.count} Min: ${fixed3(this.min)} Mean: ${fixed3(this.sum / this.count)} Max: ${fixed3(this.max)} Stddev: ${fixed3(this.stddev())} Sum: ${fixed3(this.sum)} LastUpdated: ${at}`;
  }
}

/** One interval's values, per series (key and labels). */
interface Interval {
  start: number;
  gauges: Map<string, { name: string; labels: readonly Label[]; value: number }>;
  counters: Map<string, { name: string; labels: readonly Label[]; agg: Aggregate }>;
  samples: Map<string, { name: string; labels: readonly Label[]; agg: Aggregate }>;
}

/** Go's `%0.3f`. */
function fixed3(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return v.toFixed(3);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * A time as Go prints a UTC time.Time: `2006-01-02 15:04:05.123 +0000 UTC` (fraction without
 * trailing zeros, none when whole). Always UTC: the dump does not follow the local time zone.
 */
export function formatGoTime(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds() === 0 ? '' : `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '')}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** go-metrics' InMem key cleaning: space (and, in the dump, `:` of label values) become `_`. */
const flatten = (key: readonly string[]): string => key.join('.').replace(/ /g, '_');
const dumpName = (name: string, labels: readonly Label[]): string => name + labels.map((l) => `.${l[1].replace(/[ :]/g, '_')}`).join('');

/**
 * The InMem sink: keeps, per 1 s interval and for the last hour of intervals (3600 of them),
 * each gauge's last value and an aggregate (count, min, mean, max, stddev, sum) of each counter's
 * increments and each sample. `dump` gives them in go-metrics' text, which upstream writes on
 * SIGUSR1. An interval exists only once something is recorded in it, as in go-metrics.
 */
export class InMemSink implements MetricSink {
  private readonly intervals: Interval[] = [];
  private readonly maxIntervals: number;

  /** @param now the clock (ms since the epoch); Date.now by default. */
  constructor(
    private readonly opts: { intervalMs?: number; retentionMs?: number; now?: () => number } = {},
  ) {
    this.maxIntervals = Math.floor((opts.retentionMs ?? INMEM_RETENTION_MS) / (opts.intervalMs ?? INMEM_INTERVAL_MS));
  }

  counter(series: Series): Recorder {
    const [k, name] = this.keyOf(series);
    return (v) => {
      const intv = this.current();
      let c = intv.counters.get(k);
      if (!c) intv.counters.set(k, (c = { name, labels: series.labels, agg: new Aggregate() }));
      c.agg.ingest(v, this.now());
    };
  }

  gauge(series: Series): Recorder {
    const [k, name] = this.keyOf(series);
    return (value) => {
      this.current().gauges.set(k, { name, labels: series.labels, value });
    };
  }

  summary(series: Series): Recorder {
    const [k, name] = this.keyOf(series);
    return (v) => {
      const intv = this.current();
      let s = intv.samples.get(k);
      if (!s) intv.samples.set(k, (s = { name, labels: series.labels, agg: new Aggregate() }));
      s.agg.ingest(v, this.now());
    };
  }

  /**
   * Every retained interval but the current one (still being aggregated), oldest first, one
   * line per series: `[<interval start>][G] '<key>.<label values>': <value>` for gauges, `[C]`
   * for counters and `[S]` for samples followed by the aggregate. Empty when nothing is retained.
   */
  dump(): string {
    // As go-metrics, the current interval is made first, so every earlier one is complete.
    this.current();
    const lines: string[] = [];
    for (const intv of this.intervals.slice(0, -1)) {
      const at = formatGoTime(intv.start);
      for (const g of intv.gauges.values()) lines.push(`[${at}][G] '${dumpName(g.name, g.labels)}': ${fixed3(g.value)}`);
      for (const c of intv.counters.values()) lines.push(`[${at}][C] '${dumpName(c.name, c.labels)}': ${c.agg.toString()}`);
      for (const s of intv.samples.values()) lines.push(`[${at}][S] '${dumpName(s.name, s.labels)}': ${s.agg.toString()}`);
    }
    return lines.map((l) => `${l}\n`).join('');
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The series' key in an interval's maps and its dot-joined name. */
  private keyOf(series: Series): [string, string] {
    const name = flatten(series.key);
    return [name + series.labels.map((l) => `;${l[0]}=${l[1]}`).join(''), name];
  }

  private current(): Interval {
    const step = this.opts.intervalMs ?? INMEM_INTERVAL_MS;
    const start = Math.floor(this.now() / step) * step;
    const last = this.intervals[this.intervals.length - 1];
    if (last && last.start === start) return last;
    const intv: Interval = { start, gauges: new Map(), counters: new Map(), samples: new Map() };
    this.intervals.push(intv);
    if (this.intervals.length > this.maxIntervals) this.intervals.splice(0, this.intervals.length - this.maxIntervals);
    return intv;
  }
}
