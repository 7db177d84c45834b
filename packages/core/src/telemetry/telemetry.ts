import { hostname } from 'node:os';
import type { Logger } from '../log/logger.js';
import { VERSION } from '../version.js';
import type { FilterOptions } from './filters.js';
import { NOOP_METRICS, type Metrics } from './metrics.js';
import { startPrometheusListener } from './prometheus-server.js';
import { PrometheusSink } from './prometheus-sink.js';
import { SinkMetrics } from './sink-metrics.js';

/** The parts of `telemetry { }` this module acts on (config's TelemetryConfig has this shape). */
export interface TelemetryOptions extends FilterOptions {
  prometheus?: { host: string; port: number };
  metricPrefix: string;
  enableTrustDomainLabel: boolean;
  enableHostnameLabel: boolean;
}

/** What startTelemetry needs besides the options. */
export interface TelemetryDeps {
  /** The trust domain name (`example.org`), for `started` and the `trust_domain` label. */
  trustDomain: string;
  log: Logger;
  /** Default os.hostname(). */
  hostname?: string;
  /** How often `uptime_in_ms` is set; default 10 s as upstream. */
  uptimeIntervalMs?: number;
}

/** Running telemetry: the facade to record into, and its sinks. */
export interface Telemetry {
  metrics: Metrics;
  /** The Prometheus listener's port, when that sink is configured. */
  prometheusPort?: number;
  /** Stops the sinks and timers. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the configured sinks (today: Prometheus) and emits `started` and `uptime_in_ms`. With
 * no sink configured the facade is NOOP_METRICS and nothing runs. Rejects when the Prometheus
 * address cannot be listened on.
 */
export async function startTelemetry(opts: TelemetryOptions, deps: TelemetryDeps): Promise<Telemetry> {
  if (!opts.prometheus) return { metrics: NOOP_METRICS, stop: async () => {} };
  const sink = new PrometheusSink({ defaultMetrics: true });
  const listener = await startPrometheusListener(sink, opts.prometheus, deps.log);
  const baseLabels: Record<string, string> = {};
  if (opts.enableHostnameLabel) baseLabels.host = deps.hostname ?? hostname();
  if (opts.enableTrustDomainLabel) baseLabels.trust_domain = deps.trustDomain;
  const metrics = new SinkMetrics([sink], { ...opts, baseLabels });

  metrics.setGauge(['started'], 1, { version: VERSION, trust_domain_id: deps.trustDomain });
  const startedAt = Date.now();
  const uptime = () => metrics.setGauge(['uptime_in_ms'], Date.now() - startedAt);
  uptime();
  const timer = setInterval(uptime, deps.uptimeIntervalMs ?? 10_000);
  timer.unref();
  return {
    metrics,
    prometheusPort: listener.port,
    stop: async () => {
      clearInterval(timer);
      await listener.close();
    },
  };
}
