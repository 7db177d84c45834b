import { PrometheusSink } from './prometheus-sink.js';
import { SinkMetrics, type NamingOptions } from './sink-metrics.js';

/** SPIRE's default naming with no base labels and no filters (tests). */
export const TEST_NAMING: NamingOptions = {
  metricPrefix: 'spire_server',
  baseLabels: {},
  allowedPrefixes: [],
  blockedPrefixes: [],
  allowedLabels: [],
  blockedLabels: [],
};

/**
 * A metrics facade over one Prometheus sink, for tests that read what was recorded as
 * exposition text (`await sink.text()`). `opts` overrides the naming.
 */
export function prometheusTestMetrics(opts: Partial<NamingOptions> = {}): { sink: PrometheusSink; metrics: SinkMetrics } {
  const sink = new PrometheusSink();
  return { sink, metrics: new SinkMetrics([sink], { ...TEST_NAMING, ...opts }) };
}
