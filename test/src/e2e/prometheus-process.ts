// A real Prometheus server (Debian's `prometheus` package) for end-to-end tests and the dashboard
// render script: it scrapes given loopback targets every second and answers PromQL over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './harness.js';

/** Where Debian installs the Prometheus server. */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';

/** A skip reason when the Prometheus binary is missing outside CI; false otherwise (CI installs it). */
export function prometheusSkip(): string | false {
  if (existsSync(PROMETHEUS_BIN) || process.env.CI === 'true') return false;
  return `prometheus is not installed (${PROMETHEUS_BIN}); apt-get install -y prometheus to run this test`;
}

/** One series of an instant query's answer. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query's answer. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The body of a Prometheus HTTP API answer (`/api/v1/query`, `/api/v1/query_range`). */
export interface PromAnswer<T> {
  status: 'success' | 'error';
  data?: { resultType: string; result: T };
  errorType?: string;
  error?: string;
}

/**
 * A `prometheus` process with its config and TSDB under `dir/prometheus`, scraping `targets`
 * (host:port) as job `spire-server` every second. `start` once; `stop` is safe to call twice.
 */
export class PrometheusProcess {
  port = 0;
  private proc?: ChildProcess;
  private output = '';

  constructor(private readonly dir: string) {}

  /** What Prometheus printed so far (for failure messages). */
  log(): string {
    return this.output;
  }

  /** Writes the config and spawns Prometheus on a free loopback port; does not wait for it to answer. */
  async start(targets: string[]): Promise<void> {
    this.port = await freePort();
    const dir = join(this.dir, 'prometheus');
    mkdirSync(dir);
    const conf = join(dir, 'prometheus.yml');
    const list = targets.map((t) => `"${t}"`).join(', ');
    writeFileSync(conf, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: spire-server\n    static_configs:\n      - targets: [${list}]\n`);
    this.proc = spawn(PROMETHEUS_BIN, [`--config.file=${conf}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${this.port}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** One instant query, as answered (`status` may be `error`). Throws when Prometheus does not answer. */
  async query(promql: string, time?: number): Promise<PromAnswer<Sample[]>> {
    const t = time === undefined ? '' : `&time=${time}`;
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query?query=${encodeURIComponent(promql)}${t}`);
    return (await res.json()) as PromAnswer<Sample[]>;
  }

  /** One range query (`start`/`end` in Unix seconds, `step` in seconds), as answered. */
  async queryRange(promql: string, start: number, end: number, step: number): Promise<PromAnswer<RangeSeries[]>> {
    const q = `query=${encodeURIComponent(promql)}&start=${start}&end=${end}&step=${step}`;
    const res = await fetch(`http://127.0.0.1:${this.port}/api/v1/query_range?${q}`);
    return (await res.json()) as PromAnswer<RangeSeries[]>;
  }

  /**
   * Runs an instant query until it returns samples (Prometheus scrapes every second); throws after
   * `timeoutMs` with Prometheus's output and `context()` (e.g. the server's log) in the message.
   */
  async queryUntil(promql: string, context: () => string = () => '', timeoutMs = 30_000): Promise<Sample[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const body = await this.query(promql);
        if (body.status === 'success' && body.data && body.data.result.length > 0) return body.data.result;
      } catch {
        // Prometheus is still starting.
      }
      if (Date.now() > deadline) throw new Error(`no samples for ${promql} in ${timeoutMs / 1000} s; prometheus said:\n${this.output}\n${context()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Waits until Prometheus holds a scrape of `series` taken after `unixSeconds`, so that whatever
   * the target did before then is in the TSDB. Throws like `queryUntil`.
   */
  async waitForScrapeAfter(series: string, unixSeconds: number, context: () => string = () => ''): Promise<void> {
    await this.queryUntil(`timestamp(${series}) > ${unixSeconds}`, context);
  }

  /** Stops Prometheus (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await gone;
    }
  }
}
