import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** What one subsystem reports. Details are JSON-serialisable and shown on the health paths. */
export interface SubsystemState {
  live: boolean;
  ready: boolean;
  details?: unknown;
}

/** A subsystem that can say whether it is live and ready. `check` must not throw. */
export type HealthCheck = () => Promise<SubsystemState>;

/** The overall state: live/ready only when every subsystem is. */
export interface OverallState {
  live: boolean;
  ready: boolean;
  details: Record<string, unknown>;
  /** Each check's own result, by name. */
  results: Record<string, SubsystemState>;
}

const CHECK_TIMEOUT_MS = 5_000;

function withTimeout(check: HealthCheck): Promise<SubsystemState> {
  return new Promise((resolve) => {
    const t = setTimeout(
      () => resolve({ live: false, ready: false, details: { error: `health check timed out after ${CHECK_TIMEOUT_MS}ms` } }),
      CHECK_TIMEOUT_MS,
    );
    check().then(
      (s) => {
        clearTimeout(t);
        resolve(s);
      },
      (err: unknown) => {
        clearTimeout(t);
        resolve({ live: false, ready: false, details: { error: errorMessage(err) } });
      },
    );
  });
}

/** How often the checks run: SPIRE's 1 s until everything is healthy, then 1 min. */
export interface HealthIntervals {
  /** While any check fails (and before the first run): default 1 s. */
  initialMs: number;
  /** Once every check passes: default 1 min. */
  steadyMs: number;
}

export const DEFAULT_HEALTH_INTERVALS: HealthIntervals = { initialMs: 1000, steadyMs: 60_000 };

/**
 * Runs the named subsystem checks. Once `start`ed, as SPIRE: in the background every second until
 * every check is live and ready, then every minute, and `state` answers from the last run (so a
 * probe never loads the datastore), with each check's failures and recoveries logged. Before
 * `start` (or after `stop`), `state` runs the checks on demand, cached for a second.
 */
export class HealthChecker {
  private readonly checks = new Map<string, HealthCheck>();
  private cached?: { at: number; state: Promise<OverallState> };
  private last?: OverallState;
  private timer?: NodeJS.Timeout;
  private running = false;
  private runInFlight = false;
  private runAgain = false;
  /** Per failing check: when it started failing and how many runs it failed. */
  private readonly failing = new Map<string, { since: number; failures: number }>();

  constructor(
    private readonly intervals: HealthIntervals = DEFAULT_HEALTH_INTERVALS,
    private log?: Logger,
  ) {}

  /** Adds a named check. Throws when the name is taken. */
  add(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.checks.set(name, check);
    this.cached = undefined;
  }

  /**
   * Starts the background runner: one run now, then on SPIRE's schedule. Resolves after the first
   * run. Calling it again does nothing.
   */
  async start(log?: Logger): Promise<void> {
    if (this.running) return;
    if (log) this.log = log;
    this.running = true;
    await this.runAndSchedule();
  }

  /**
   * Runs the checks now instead of at the next scheduled time (when a part is known to have
   * failed, e.g. an essential plugin's process died), then goes on with the schedule. Does
   * nothing unless started.
   */
  recheck(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.runAndSchedule();
  }

  /** Stops the runner; `state` is computed on demand again. Safe to call twice. */
  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  /** The overall state: the runner's last result, or (not running) from a cache at most one second old. */
  state(): Promise<OverallState> {
    if (this.running && this.last) return Promise.resolve(this.last);
    const now = Date.now();
    if (this.cached && now - this.cached.at < 1000) return this.cached.state;
    const state = this.compute();
    this.cached = { at: now, state };
    return state;
  }

  private async runAndSchedule(): Promise<void> {
    // One run at a time: a recheck asked for during a run makes that run go again when done.
    if (this.runInFlight) {
      this.runAgain = true;
      return;
    }
    this.runInFlight = true;
    let state: OverallState;
    try {
      state = await this.compute();
    } finally {
      this.runInFlight = false;
    }
    if (!this.running) return;
    this.last = state;
    this.report(state);
    if (this.runAgain) {
      this.runAgain = false;
      void this.runAndSchedule();
      return;
    }
    const healthy = state.live && state.ready;
    this.timer = setTimeout(() => void this.runAndSchedule(), healthy ? this.intervals.steadyMs : this.intervals.initialMs);
    this.timer.unref();
  }

  /** Logs as SPIRE's health subsystem: each failing run, the first failure and the recovery. */
  private report(state: OverallState): void {
    const log = this.log;
    if (!log) return;
    for (const [check, r] of Object.entries(state.results)) {
      const bad = !r.live || !r.ready;
      const f = this.failing.get(check);
      if (bad) {
        log.error({ check }, 'Health check has failed');
        if (!f) {
          this.failing.set(check, { since: Date.now(), failures: 1 });
          log.warn({ check, details: r.details ?? {}, error: failureOf(r) }, 'Health check failed');
        } else f.failures++;
      } else if (f) {
        this.failing.delete(check);
        log.info({ check, details: r.details ?? {}, failures: f.failures, duration: (Date.now() - f.since) / 1000 }, 'Health check recovered');
      }
    }
  }

  private async compute(): Promise<OverallState> {
    const names = [...this.checks.keys()];
    const results = await Promise.all(names.map((n) => withTimeout(this.checks.get(n)!)));
    const details: Record<string, unknown> = {};
    const byName: Record<string, SubsystemState> = {};
    let live = true;
    let ready = true;
    results.forEach((r, i) => {
      live &&= r.live;
      ready &&= r.ready;
      details[names[i]!] = r.details ?? {};
      byName[names[i]!] = r;
    });
    return { live, ready, details, results: byName };
  }
}

function failureOf(r: SubsystemState): string {
  if (!r.live) return 'subsystem is not live';
  return 'subsystem is not ready';
}

/** The health_checks listener options. */
export interface HealthListenerOptions {
  bindAddress: string;
  bindPort: number;
  livePath: string;
  readyPath: string;
}

/**
 * Serves the live and ready paths over HTTP: 200 when the state holds, 500 otherwise, with the
 * per-subsystem details as a JSON body (as SPIRE does). Resolves once listening.
 */
export async function startHealthListener(
  checker: HealthChecker,
  opts: HealthListenerOptions,
  log: Logger,
): Promise<{ server: HttpServer; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== opts.livePath && path !== opts.readyPath) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    checker.state().then(
      (s) => {
        const ok = path === opts.livePath ? s.live : s.ready;
        res.writeHead(ok ? 200 : 500, { 'Content-Type': 'application/json' }).end(`${JSON.stringify(s.details)}\n`);
      },
      (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' }).end(`${JSON.stringify({ error: errorMessage(err) })}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.bindPort, opts.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ address: `${opts.bindAddress}:${port}` }, 'Serving health checks');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
