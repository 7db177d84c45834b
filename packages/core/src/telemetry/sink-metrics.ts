import { performance } from 'node:perf_hooks';
import { MetricFilter, type FilterOptions } from './filters.js';
import { flattenName, sanitizeLabel } from './metric-names.js';
import type { CallCounter, Labels, Metrics } from './metrics.js';
import type { MetricSink, Recorder } from './prometheus-sink.js';

/** How keys become series: SPIRE's naming options of `telemetry { }`. */
export interface NamingOptions extends FilterOptions {
  /** MetricPrefix; SPIRE's default is `spire_server`. */
  metricPrefix: string;
  /** Labels every series carries (`host`, `trust_domain`), before filtering. */
  baseLabels: Labels;
}

/** A key resolved once: its Prometheus name, or undefined when the prefix filters drop it. */
function resolveName(prefix: string, key: readonly string[], filter: MetricFilter): string | undefined {
  const parts = [prefix, ...key];
  return filter.allowsMetric(parts.join('.')) ? flattenName(parts) : undefined;
}

/**
 * The metrics facade over one or more sinks, naming series as SPIRE does: prefix and key parts
 * joined with `_`; labels sanitized (`spiffe://a.b` becomes `spiffe_a_b`) and filtered; the base
 * labels added to every series. Never throws.
 */
export class SinkMetrics implements Metrics {
  readonly enabled = true;
  private readonly filter: MetricFilter;
  private readonly names = new Map<string, string | undefined>();

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
    const name = this.name(key);
    if (name === undefined) return { done: () => {} };
    const elapsedName = this.name([...key, 'elapsed_time']);
    // One pair of recorders per status name, made on first use: a call then costs two map-free
    // child updates.
    const byStatus = new Map<string, [Recorder[], Recorder[]]>();
    return {
      done: (status, elapsedMs) => {
        let r = byStatus.get(status);
        if (!r) {
          const labels = this.labels({ ...extra, status });
          r = [this.sinks.map((s) => s.counter(name, labels)), elapsedName === undefined ? [] : this.sinks.map((s) => s.summary(elapsedName, labels))];
          byStatus.set(status, r);
        }
        for (const inc of r[0]) inc(1);
        for (const observe of r[1]) observe(elapsedMs);
      },
    };
  }

  private record(kind: 'counter' | 'gauge' | 'summary', key: readonly string[], value: number, labels?: Labels): void {
    const name = this.name(key);
    if (name === undefined) return;
    const all = this.labels(labels);
    for (const s of this.sinks) s[kind](name, all)(value);
  }

  private name(key: readonly string[]): string | undefined {
    const k = key.join('\u0000');
    if (this.names.has(k)) return this.names.get(k);
    const name = resolveName(this.opts.metricPrefix, key, this.filter);
    this.names.set(k, name);
    return name;
  }

  /** The labels of a series, sorted by name (as client_golang writes them). */
  private labels(extra?: Labels): Labels {
    const kept: [string, string][] = [];
    for (const src of [extra, this.opts.baseLabels]) {
      if (!src) continue;
      for (const [k, v] of Object.entries(src)) {
        const name = sanitizeLabel(k);
        if (this.filter.allowsLabel(name)) kept.push([name, sanitizeLabel(v)]);
      }
    }
    return Object.fromEntries(kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }
}
