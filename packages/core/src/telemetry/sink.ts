/** Records one value into one series (one metric, one label set). */
export type Recorder = (value: number) => void;

/** One label of a series: name and value, both already sanitized. */
export type Label = readonly [name: string, value: string];

/**
 * One series as the facade hands it to a sink: every sink takes the form it names by. Built
 * once per series on the hot paths (SinkMetrics.callCounter), so sinks may keep it.
 */
export interface Series {
  /** The key parts, the metric prefix first: `['spire_server', 'rpc', 'entry', ...]`. */
  readonly key: readonly string[];
  /** The key as Prometheus names it (flattenName): `spire_server_rpc_entry_...`. */
  readonly name: string;
  /**
   * The labels left after filtering, in go-metrics' order: the caller's own, then
   * `trust_domain`, then `host`. The Statsd sink appends their values to the key in this order.
   */
  readonly labels: readonly Label[];
}

/**
 * Where the facade sends values; one per configured sink. Each method resolves a series to a
 * recorder once; a recorder is cheap and never throws.
 */
export interface MetricSink {
  counter(series: Series): Recorder;
  gauge(series: Series): Recorder;
  /** Samples and timers (milliseconds). */
  summary(series: Series): Recorder;
}

/** A recorder that drops its values. */
export const NOOP_RECORDER: Recorder = () => {};
