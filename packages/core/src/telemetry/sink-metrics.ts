import { performance } from 'node:perf_hooks';
import { MetricFilter, type FilterOptions } from './filters.js';
import { flattenName, sanitizeLabel } from './metric-names.js';
import type { CallCounter, Labels, Metrics } from './metrics.js';
import type { Label, MetricSink, Recorder, Series } from './sink.js';

/** How keys become series: SPIRE's naming options of `telemetry { }`. */
export interface NamingOptions extends FilterOptions {
  /** MetricPrefix; SPIRE's default is `spire_server`. */
  metricPrefix: string;
  /**
   * Labels every series carries, before filtering, in the order they follow the caller's own
   * (upstream: `trust_domain`, then `host`).
   */
  baseLabels: Labels;
}

/** A key resolved once: its parts with the prefix and its Prometheus name. */
type ResolvedKey = Pick<Series, 'key' | 'name'>;

/** A key resolved once, or undefined when the prefix filters drop it. */
function resolveKey(prefix: string, key: readonly string[], filter: MetricFilter): ResolvedKey | undefined {
  const parts = [prefix, ...key];
  return filter.allowsMetric(parts.join('.')) ? { key: parts, name: flattenName(parts) } : undefined;
}

type Kind = 'counter' | 'gauge' | 'summary';

/**
 * The metrics facade over one or more sinks, naming series as SPIRE does: prefix and key parts
 * (each sink joins them its own way); labels sanitized (`spiffe://a.b` becomes `spiffe_a_b`) and
 * filtered; the base labels added to every series. Never throws.
 */
export class SinkMetrics implements Metrics {
  readonly enabled = true;
  private readonly filter: MetricFilter;
  private readonly keys = new Map<string, ResolvedKey | undefined>();
  private readonly recorders = new Map<string, Recorder[]>();

  constructor(
    private readonly sinks: readonly MetricSink[],
    private readonly opts: NamingOptions,
  ) {
    this.filter = new MetricFilter(opts);
  }

  incrCounter(key: readonly string[], value = 1, labels?: Labels): void {
    this.record('counter', key, value, labels);
  }

  setGauge(key: readonly string[], value: number, labels?: Labels): void {
    this.record('gauge', key, value, labels);
  }

  addSample(key: readonly string[], value: number, labels?: Labels): void {
    this.record('summary', key, value, labels);
  }

  measureSince(key: readonly string[], startMs: number, labels?: Labels): void {
    this.record('summary', key, performance.now() - startMs, labels);
  }

  callCounter(key: readonly string[], extra?: Labels): CallCounter {
    const counted = this.resolve(key);
    if (counted === undefined) return { done: () => {} };
    const elapsed = this.resolve([...key, 'elapsed_time']);
    // One pair of recorder lists per status name, made on first use: a call then costs one
    // map lookup and a recorder call per sink.
    const byStatus = new Map<string, [Recorder[], Recorder[]]>();
    return {
      done: (status, elapsedMs) => {
        let r = byStatus.get(status);
        if (!r) {
          const labels = this.labels({ ...extra, status });
          r = [this.sinks.map((s) => s.counter({ ...counted, labels })), elapsed === undefined ? [] : this.sinks.map((s) => s.summary({ ...elapsed, labels }))];
          byStatus.set(status, r);
        }
        for (const inc of r[0]) inc(1);
        for (const observe of r[1]) observe(elapsedMs);
      },
    };
  }

  private record(kind: Kind, key: readonly string[], value: number, labels?: Labels): void {
    // A series without labels of its own (most of them) keeps its recorders: later values skip
    // naming, label sanitizing and the sinks' lookups.
    const cacheKey = labels === undefined ? `${kind}\u0001${key.join('\u0000')}` : undefined;
    let recorders = cacheKey === undefined ? undefined : this.recorders.get(cacheKey);
    if (!recorders) {
      const resolved = this.resolve(key);
      if (resolved === undefined) return;
      const series: Series = { ...resolved, labels: this.labels(labels) };
      recorders = this.sinks.map((s) => s[kind](series));
      if (cacheKey !== undefined) this.recorders.set(cacheKey, recorders);
    }
    for (const r of recorders) r(value);
  }

  private resolve(key: readonly string[]): ResolvedKey | undefined {
    const k = key.join('\u0000');
    if (this.keys.has(k)) return this.keys.get(k);
    const resolved = resolveKey(this.opts.metricPrefix, key, this.filter);
    this.keys.set(k, resolved);
    return resolved;
  }

  /** The labels of a series, sanitized and filtered: the caller's, then the base labels. */
  private labels(extra?: Labels): Label[] {
    const kept: Label[] = [];
    for (const src of [extra, this.opts.baseLabels]) {
      if (!src) continue;
      for (const [k, v] of Object.entries(src)) {
        const name = sanitizeLabel(k);
        if (this.filter.allowsLabel(name)) kept.push([name, sanitizeLabel(v)]);
      }
    }
    return kept;
  }
}
