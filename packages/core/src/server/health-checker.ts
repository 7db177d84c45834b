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

/**
 * Runs the named subsystem checks on demand. Results are cached for a second so that a busy probe
 * cannot turn into a load on the datastore.
 */
export class HealthChecker {
  private readonly checks = new Map<string, HealthCheck>();
  private cached?: { at: number; state: Promise<OverallState> };

  /** Adds a named check. Throws when the name is taken. */
  add(name: string, check: HealthCheck): void {
    if (this.checks.has(name)) throw new Error(`health check "${name}" is already registered`);
    this.checks.set(name, check);
    this.cached = undefined;
  }

  /** The overall state, from a cache at most one second old. */
  state(): Promise<OverallState> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < 1000) return this.cached.state;
    const state = this.compute();
    this.cached = { at: now, state };
    return state;
  }

  private async compute(): Promise<OverallState> {
    const names = [...this.checks.keys()];
    const results = await Promise.all(names.map((n) => withTimeout(this.checks.get(n)!)));
    const details: Record<string, unknown> = {};
    let live = true;
    let ready = true;
    results.forEach((r, i) => {
      live &&= r.live;
      ready &&= r.ready;
      details[names[i]!] = r.details ?? {};
    });
    return { live, ready, details };
  }
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
