import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

type Report = Record<string, unknown>;

/**
 * `process.report.getReport()` without the environment variables (they can hold credentials, and
 * a goroutine dump never shows them) and without the network details of libuv handles (resolving
 * them is a blocking name lookup on the event loop).
 */
function report(): Report {
  // `excludeNetwork` (Node 20.13+) is missing from @types/node 20.
  const settings = process.report as NodeJS.ProcessReport & { excludeNetwork?: boolean };
  const excludeNetwork = settings.excludeNetwork;
  settings.excludeNetwork = true;
  let r: Report;
  try {
    r = settings.getReport() as Report;
  } finally {
    settings.excludeNetwork = excludeNetwork;
  }
  return withoutEnvironment(r);
}

function withoutEnvironment(r: Report): Report {
  const { environmentVariables: _env, workers, ...rest } = r;
  return Array.isArray(workers) ? { ...rest, workers: workers.map((w) => withoutEnvironment(w as Report)) } : rest;
}

/**
 * The `goroutine` profile's Node counterpart: the process report (JavaScript and native stacks,
 * heap spaces, libuv handles, resource usage, and the same for every worker thread), without the
 * environment variables.
 */
export function goroutineReport(): Report {
  return report();
}

/**
 * The `threadcreate` profile's Node counterpart: Node creates its threads up front (the libuv
 * thread pool, V8's platform threads) or as worker threads, so this lists the worker threads
 * (with each one's JavaScript stack) and the libuv thread pool, from the process report.
 */
export function threadReport(): Report {
  const r = report();
  const header = (r.header ?? {}) as Report;
  const workers = Array.isArray(r.workers) ? (r.workers as Report[]) : [];
  return {
    profile: 'threadcreate',
    processId: header.processId,
    mainThreadId: header.threadId,
    libuvThreadPoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    uvthreadResourceUsage: r.uvthreadResourceUsage,
    workers: workers.map((w) => ({ threadId: (w.header as Report | undefined)?.threadId, javascriptStack: w.javascriptStack })),
  };
}

const PERCENTILES = [50, 75, 90, 99, 99.9];

/**
 * The `block` and `mutex` profiles' Node counterpart: how late the event loop ran its timers
 * (a blocked event loop is what stalls every request in Node), as a histogram in nanoseconds, with
 * the event loop's utilization over the same period.
 */
export class EventLoopDelay {
  private readonly histogram: IntervalHistogram;
  private since = new Date();
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();

  /** Starts measuring; `resolutionMs` is the sampling timer's period. */
  constructor(private readonly resolutionMs = 10) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /**
   * The histogram since the start (or the last reset) as JSON-ready data, labelled with `name`.
   * With `reset`, the next report starts afresh.
   */
  report(name: string, opts: { reset?: boolean } = {}): Report {
    const h = this.histogram;
    const now = new Date();
    const measured = h.count > 0;
    const percentiles: Record<string, number> = {};
    if (measured) for (const p of PERCENTILES) percentiles[String(p)] = h.percentile(p);
    const out: Report = {
      profile: name,
      measure: 'event loop delay',
      unit: 'ns',
      resolutionMs: this.resolutionMs,
      from: this.since.toISOString(),
      to: now.toISOString(),
      count: h.count,
      // An empty histogram reports an infinite minimum and NaN mean; JSON has neither.
      min: measured ? h.min : null,
      max: measured ? h.max : null,
      mean: measured ? h.mean : null,
      stddev: measured ? h.stddev : null,
      exceeds: h.exceeds,
      percentiles,
      eventLoopUtilization: performance.eventLoopUtilization(this.utilization).utilization,
    };
    if (opts.reset) {
      h.reset();
      this.since = now;
      this.utilization = performance.eventLoopUtilization();
    }
    return out;
  }

  /** Stops measuring. Safe to call twice. */
  close(): void {
    this.histogram.disable();
  }
}
