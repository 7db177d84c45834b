import { hostname } from 'node:os';
import { Code, SpireError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { VERSION } from '../version.js';
import type { FilterOptions } from './filters.js';
import { InMemSink } from './inmem-sink.js';
import { NOOP_METRICS, type Metrics } from './metrics.js';
import { startPrometheusListener, type PrometheusListener } from './prometheus-server.js';
import { PrometheusSink } from './prometheus-sink.js';
import { prometheusTlsMaterial, type PrometheusTlsOptions, type ServerIdentitySource } from './prometheus-tls.js';
import type { MetricSink } from './sink.js';
import { SinkMetrics } from './sink-metrics.js';
import { parseUdpAddress } from './statsd-address.js';
import { StatsdSink, type StatsdFlavor } from './statsd-sink.js';

/** The parts of `telemetry { }` this module acts on (config's TelemetryConfig has this shape). */
export interface TelemetryOptions extends FilterOptions {
  prometheus?: { host: string; port: number; tls?: PrometheusTlsOptions };
  dogStatsd?: readonly { address: string }[];
  statsd?: readonly { address: string }[];
  /** Whether `InMem { }` is present. */
  inMem?: boolean;
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
  /** The server SVID and bundles, read lazily; needed by Prometheus tls use_spire_svid and authorized_spiffe_ids. */
  identity?: ServerIdentitySource;
  /** The InMem sink's clock (tests); default Date.now. */
  now?: () => number;
  /**
   * Sinks the server reads itself (the web console's counters), kept after the configured ones;
   * with any of them the facade records even when `telemetry { }` configures no sink.
   */
  extraSinks?: readonly MetricSink[];
}

/** Running telemetry: the facade to record into, and its sinks. */
export interface Telemetry {
  metrics: Metrics;
  /** The Prometheus listener's port, when that sink is configured. */
  prometheusPort?: number;
  /**
   * Writes the InMem sink's retained intervals to the log, one info line per metric in
   * go-metrics' format (upstream does so on SIGUSR1), and returns that text. Does nothing and
   * returns '' without `InMem { }`. Safe to call any time, also after stop.
   */
  dumpInMem(): string;
  /** Stops the sinks and timers, flushing what the StatsD sinks buffered. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the configured sinks, in upstream's order (DogStatsd, InMem, Prometheus, Statsd), and
 * emits `started` and `uptime_in_ms`. With no sink configured the facade is NOOP_METRICS and
 * nothing runs. Rejects when the Prometheus address cannot be listened on, a tls file cannot be
 * read, or a StatsD address is not host:port; what had started is stopped again.
 */
export async function startTelemetry(opts: TelemetryOptions, deps: TelemetryDeps): Promise<Telemetry> {
  const sinks: MetricSink[] = [];
  const closers: (() => Promise<void>)[] = [];
  const statsd = (flavor: StatsdFlavor, option: string, address: string) => {
    const addr = parseUdpAddress(address);
    if (typeof addr === 'string') throw new SpireError(Code.INVALID_ARGUMENT, `telemetry.${option}.address: ${addr}`);
    const sink = new StatsdSink(flavor, addr, deps.log);
    closers.push(() => sink.close());
    sinks.push(sink);
  };
  let inMem: InMemSink | undefined;
  let listener: PrometheusListener | undefined;
  try {
    for (const d of opts.dogStatsd ?? []) statsd('dogstatsd', 'DogStatsd', d.address);
    if (opts.inMem) sinks.push((inMem = new InMemSink({ now: deps.now })));
    if (opts.prometheus) {
      const prom = new PrometheusSink({ defaultMetrics: true });
      const tls = opts.prometheus.tls ? await prometheusTlsMaterial(opts.prometheus.tls, deps.identity) : undefined;
      listener = await startPrometheusListener(prom, { host: opts.prometheus.host, port: opts.prometheus.port, ...(tls ? { tls } : {}) }, deps.log);
      closers.push(() => listener!.close());
      sinks.push(prom);
    }
    for (const s of opts.statsd ?? []) statsd('statsd', 'Statsd', s.address);
  } catch (err) {
    for (const c of closers.reverse()) await c();
    throw err;
  }
  sinks.push(...(deps.extraSinks ?? []));
  if (sinks.length === 0) return { metrics: NOOP_METRICS, dumpInMem: () => '', stop: async () => {} };

  // go-metrics' order after the caller's labels: SPIRE appends trust_domain, go-metrics host.
  const baseLabels: Record<string, string> = {};
  if (opts.enableTrustDomainLabel) baseLabels.trust_domain = deps.trustDomain;
  if (opts.enableHostnameLabel) baseLabels.host = deps.hostname ?? hostname();
  const metrics = new SinkMetrics(sinks, { ...opts, baseLabels });
  metrics.setGauge(['started'], 1, { version: VERSION, trust_domain_id: deps.trustDomain });
  const startedAt = Date.now();
  const uptime = () => metrics.setGauge(['uptime_in_ms'], Date.now() - startedAt);
  uptime();
  const timer = setInterval(uptime, deps.uptimeIntervalMs ?? 10_000);
  timer.unref();
  let stopped: Promise<void> | undefined;
  return {
    metrics,
    ...(listener ? { prometheusPort: listener.port } : {}),
    dumpInMem: () => {
      const text = inMem?.dump() ?? '';
      for (const line of text.split('\n')) if (line !== '') deps.log.info(line);
      return text;
    },
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        for (const c of closers.reverse()) await c();
      })()),
  };
}
