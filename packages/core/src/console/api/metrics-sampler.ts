import { rpcMetricKey, type Label, type MetricSink, type Recorder, type Series } from '../../telemetry/index.js';
import { NOOP_RECORDER } from '../../telemetry/index.js';
import { Services } from '../../api/proto.js';

/** Running totals the console charts: successful SVID-issuing calls by kind, and failed API calls. */
export interface ConsoleCounterTotals {
  x509Svids: number;
  jwtSvids: number;
  rpcErrors: number;
}

/** Where the sampler reads totals from (ConsoleCounterSink, or a fake in tests). */
export interface CounterSource {
  totals(): ConsoleCounterTotals;
}

const X509_METHODS = [`${Services.svid}/MintX509SVID`, `${Services.svid}/BatchNewX509SVID`, `${Services.agent}/AttestAgent`, `${Services.agent}/RenewAgent`];
const JWT_METHODS = [`${Services.svid}/MintJWTSVID`, `${Services.svid}/NewJWTSVID`];
const keyOf = (path: string) => ['rpc', ...rpcMetricKey(path)].join('.');
const X509_KEYS = new Set(X509_METHODS.map(keyOf));
const JWT_KEYS = new Set(JWT_METHODS.map(keyOf));

function statusOf(labels: readonly Label[]): string | undefined {
  return labels.find(([name]) => name === 'status')?.[1];
}

/**
 * A metric sink that keeps the console's totals from the API's own `rpc.<service>.<method>` call
 * counters (the series every call through the pipeline bumps, labelled with its status): calls
 * that issue X509-SVIDs (Mint, BatchNew, AttestAgent, RenewAgent) and JWT-SVIDs (Mint, New) with
 * status OK, and every call with another status. The server passes it to startTelemetry's
 * `extraSinks`. It counts calls, not SVIDs (a BatchNewX509SVID call counts once); series the
 * `telemetry { }` filters drop are not seen.
 */
export class ConsoleCounterSink implements MetricSink, CounterSource {
  private readonly sums: ConsoleCounterTotals = { x509Svids: 0, jwtSvids: 0, rpcErrors: 0 };

  counter(series: Series): Recorder {
    if (series.key[1] !== 'rpc') return NOOP_RECORDER;
    const status = statusOf(series.labels);
    if (status === undefined) return NOOP_RECORDER;
    const sums = this.sums;
    if (status !== 'OK') return (v) => void (sums.rpcErrors += v);
    const key = series.key.slice(1).join('.');
    if (X509_KEYS.has(key)) return (v) => void (sums.x509Svids += v);
    if (JWT_KEYS.has(key)) return (v) => void (sums.jwtSvids += v);
    return NOOP_RECORDER;
  }

  gauge(): Recorder {
    return NOOP_RECORDER;
  }

  summary(): Recorder {
    return NOOP_RECORDER;
  }

  /** The totals so far (a copy). */
  totals(): ConsoleCounterTotals {
    return { ...this.sums };
  }
}

/** One sample of `GET /api/v1/server/metrics`: the counts of one interval, ending at `t`. */
export interface MetricsSample extends ConsoleCounterTotals {
  /** RFC 3339, UTC. */
  t: string;
}

/** `GET /api/v1/server/metrics`. */
export interface MetricsSamples {
  intervalSeconds: number;
  samples: MetricsSample[];
}

/** What the sampler is built from; the defaults suit the server. */
export interface MetricsSamplerOptions {
  source: CounterSource;
  /** Default 10 s. */
  intervalMs?: number;
  /** How many samples are kept; default 60. */
  maxSamples?: number;
  /** Default Date.now. */
  now?: () => number;
}

/** RFC 3339 in UTC without a fraction. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Samples a CounterSource every interval and keeps the per-interval deltas of the last
 * `maxSamples` intervals. start() runs it on an unref'd timer; tests call sample() themselves.
 */
export class MetricsSampler {
  private readonly intervalMs: number;
  private readonly maxSamples: number;
  private readonly now: () => number;
  private last: ConsoleCounterTotals;
  private readonly kept: MetricsSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MetricsSamplerOptions) {
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.maxSamples = opts.maxSamples ?? 60;
    this.now = opts.now ?? Date.now;
    this.last = opts.source.totals();
  }

  /** Takes one sample now: the change of each total since the previous sample (or construction). */
  sample(): void {
    const cur = this.opts.source.totals();
    this.kept.push({
      t: rfc3339(this.now()),
      x509Svids: cur.x509Svids - this.last.x509Svids,
      jwtSvids: cur.jwtSvids - this.last.jwtSvids,
      rpcErrors: cur.rpcErrors - this.last.rpcErrors,
    });
    if (this.kept.length > this.maxSamples) this.kept.splice(0, this.kept.length - this.maxSamples);
    this.last = cur;
  }

  /** The samples kept, oldest first. */
  samples(): MetricsSamples {
    return { intervalSeconds: this.intervalMs / 1000, samples: this.kept.map((s) => ({ ...s })) };
  }

  /** Samples every interval until stop(). A second call does nothing. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling. Safe to call twice. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
