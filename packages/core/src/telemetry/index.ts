export { MetricFilter, type FilterOptions } from './filters.js';
export { flattenName, metricKeyPart, rpcMetricKey, sanitizeLabel } from './metric-names.js';
export { NOOP_METRICS, type CallCounter, type Labels, type Metrics } from './metrics.js';
export { PrometheusSink, type MetricSink, type Recorder } from './prometheus-sink.js';
export { startPrometheusListener, type PrometheusListener } from './prometheus-server.js';
export { countCall, instrumentCalls, statusOfError, type CallKeys } from './instrument.js';
export { RUNTIME_STATS_INTERVAL_MS, startRuntimeStats } from './runtime-stats.js';
export { SinkMetrics, type NamingOptions } from './sink-metrics.js';
export { startTelemetry, type Telemetry, type TelemetryDeps, type TelemetryOptions } from './telemetry.js';
