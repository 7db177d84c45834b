import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Metrics } from './metrics.js';

/** How often the runtime gauges are set: go-metrics' default, as upstream. */
export const RUNTIME_STATS_INTERVAL_MS = 1000;

/**
 * SPIRE's `runtime.*` series with Node's figures standing in for Go's (docs/telemetry.md has the
 * table): every interval the gauges `runtime.alloc_bytes` (V8 heap used), `runtime.sys_bytes`
 * (resident set size), `runtime.heap_total_bytes`, `runtime.external_bytes`,
 * `runtime.num_goroutines` (libuv handles and requests the process holds, Node's nearest count of
 * things in flight), `runtime.total_gc_runs` and `runtime.total_gc_pause_ns`, and Node's own
 * `runtime.event_loop_lag_ms` (the mean event-loop delay over the interval); each GC also adds
 * its pause to the summary `runtime.gc_pause_ns`. Go's malloc_count, free_count and heap_objects
 * have no Node counterpart and are not emitted. Returns the function that stops it.
 */
export function startRuntimeStats(metrics: Metrics, intervalMs = RUNTIME_STATS_INTERVAL_MS): () => void {
  if (!metrics.enabled) return () => {};
  let gcRuns = 0;
  let gcPauseNs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const ns = Math.round(e.duration * 1e6);
      gcRuns++;
      gcPauseNs += ns;
      metrics.addSample(['runtime', 'gc_pause_ns'], ns);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  let lag: IntervalHistogram | undefined = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const emit = () => {
    const mem = process.memoryUsage();
    metrics.setGauge(['runtime', 'alloc_bytes'], mem.heapUsed);
    metrics.setGauge(['runtime', 'sys_bytes'], mem.rss);
    metrics.setGauge(['runtime', 'heap_total_bytes'], mem.heapTotal);
    metrics.setGauge(['runtime', 'external_bytes'], mem.external);
    metrics.setGauge(['runtime', 'num_goroutines'], process.getActiveResourcesInfo().length);
    metrics.setGauge(['runtime', 'total_gc_runs'], gcRuns);
    metrics.setGauge(['runtime', 'total_gc_pause_ns'], gcPauseNs);
    if (lag && lag.count > 0) {
      metrics.setGauge(['runtime', 'event_loop_lag_ms'], lag.mean / 1e6);
      lag.reset();
    }
  };
  emit();
  const timer = setInterval(emit, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    gc.disconnect();
    lag?.disable();
    lag = undefined;
  };
}
