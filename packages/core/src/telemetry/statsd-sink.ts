import { isIPv6 } from 'node:net';
import { StatsD, type ClientOptions } from 'hot-shots';
import type { Logger } from '../log/logger.js';
import { errorMessage } from '../errors.js';
import type { MetricSink, Recorder, Series } from './sink.js';
import type { UdpAddress } from './statsd-address.js';

/**
 * Which StatsD dialect a sink speaks: `statsd` puts the label values into the key, as
 * go-metrics' StatsdSink does; `dogstatsd` keeps the key and sends the labels as `name:value`
 * tags, as go-metrics' DogStatsdSink does.
 */
export type StatsdFlavor = 'statsd' | 'dogstatsd';

/** go-metrics' packet size for UDP (fits a 1500-byte MTU) and its flush period. */
const MAX_PACKET_BYTES = 1432;
const FLUSH_INTERVAL_MS = 100;
/** How often a failing destination is logged at most. */
const ERROR_LOG_INTERVAL_MS = 60_000;

/** go-metrics' key cleaning for both dialects: `:` and space become `_`. */
const KEY_UNSAFE = /[: ]/g;
const clean = (s: string): string => s.replace(KEY_UNSAFE, '_');

/** The StatsD key of a series in `flavor`: `spire_server.rpc.entry.v1.entry.list_entries` (plus label values for statsd). */
export function statsdKey(series: Series, flavor: StatsdFlavor): string {
  const parts = flavor === 'statsd' ? [...series.key, ...series.labels.map((l) => l[1])] : series.key;
  return clean(parts.join('.'));
}

/** The DogStatsD tags of a series: `name:value`, or `name` alone for an empty value. */
export function dogstatsdTags(series: Series): string[] {
  return series.labels.map(([n, v]) => (v === '' ? clean(n) : `${clean(n)}:${clean(v)}`));
}

/**
 * A Statsd or DogStatsd sink: counters as `|c`, gauges as `|g`, samples and timers as `|ms`,
 * sent over UDP by hot-shots, buffered into packets of at most 1432 bytes flushed every 100 ms
 * as go-metrics does. Sending never throws: a failing destination is logged at most once a minute.
 */
export class StatsdSink implements MetricSink {
  private readonly client: StatsD;
  private lastErrorLog = 0;
  private closed?: Promise<void>;

  constructor(
    private readonly flavor: StatsdFlavor,
    address: UdpAddress,
    log: Logger,
  ) {
    const options: ClientOptions = {
      host: address.host,
      port: address.port,
      protocol: 'udp',
      maxBufferSize: MAX_PACKET_BYTES,
      bufferFlushInterval: FLUSH_INTERVAL_MS,
      // Plain StatsD carries no tags, not even the DD_* environment's; DogStatsD keeps the
      // DD_ENV/DD_SERVICE/DD_VERSION tags and origin detection its Go client has too.
      datadog: flavor === 'dogstatsd',
      includeDataDogTags: flavor === 'dogstatsd',
      includeDatadogTelemetry: false,
      ...(isIPv6(address.host) ? { udpSocketOptions: { type: 'udp6' as const } } : {}),
      errorHandler: (err) => {
        const now = Date.now();
        if (now - this.lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
        this.lastErrorLog = now;
        log.warn({ error: errorMessage(err), address: `${address.host}:${address.port}`, sink: flavor }, 'Failed to send metrics');
      },
    };
    this.client = new StatsD(options);
  }

  counter(series: Series): Recorder {
    const [key, tags] = this.name(series);
    return tags ? (v) => this.client.increment(key, v, tags) : (v) => this.client.increment(key, v);
  }

  gauge(series: Series): Recorder {
    const [key, tags] = this.name(series);
    return tags ? (v) => this.client.gauge(key, v, tags) : (v) => this.client.gauge(key, v);
  }

  summary(series: Series): Recorder {
    const [key, tags] = this.name(series);
    return tags ? (v) => this.client.timing(key, v, tags) : (v) => this.client.timing(key, v);
  }

  /** Sends what is buffered and closes the socket. Safe to call twice. */
  close(): Promise<void> {
    return (this.closed ??= new Promise((resolve) => this.client.close(() => resolve())));
  }

  private name(series: Series): [string, string[] | undefined] {
    const key = statsdKey(series, this.flavor);
    const tags = this.flavor === 'dogstatsd' && series.labels.length > 0 ? dogstatsdTags(series) : undefined;
    return [key, tags];
  }
}
