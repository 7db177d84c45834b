import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { getHeapSnapshot } from 'node:v8';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { CpuProfiler } from './cpu-profiler.js';
import { TRACE_UNSUPPORTED } from './dumpers.js';
import { EventLoopDelay, goroutineReport, threadReport } from './reports.js';

/** The only address the debug server listens on, as upstream's (which listens on localhost). */
export const DEBUG_HOST = '127.0.0.1';
/** The CPU profile length when `seconds` is not given (upstream's pprof default). */
export const DEFAULT_PROFILE_SECONDS = 30;
/** The longest CPU profile one request may ask for. */
export const MAX_PROFILE_SECONDS = 300;

const PREFIX = '/debug/pprof/';

/** The endpoints under /debug/pprof/, as the index lists them. */
const ENDPOINTS: readonly [string, string][] = [
  ['block', 'event-loop delay histogram since the server started (JSON); Node has no block profile'],
  ['goroutine', 'process report: JavaScript and native stacks, heap, libuv handles, worker threads (JSON, no environment)'],
  ['heap', 'V8 heap snapshot (.heapsnapshot); HOLDS PRIVATE KEY MATERIAL'],
  ['mutex', 'same as block: Node has no mutex profile'],
  ['profile', `V8 CPU profile (.cpuprofile) over ?seconds=N (default ${DEFAULT_PROFILE_SECONDS}, at most ${MAX_PROFILE_SECONDS})`],
  ['threadcreate', 'worker threads with their JavaScript stacks, and the libuv thread pool (JSON)'],
];

/** A running debug server. */
export interface DebugServer {
  /** The port listened on (the chosen one when asked for 0). */
  readonly port: number;
  /** Stops listening, drops profiles in progress and closes connections. Safe to call twice. */
  close(): Promise<void>;
}

class BadRequest extends Error {}

/** `seconds` of `profile`: a whole number from 1 to MAX_PROFILE_SECONDS, default DEFAULT_PROFILE_SECONDS. */
export function profileSeconds(raw: string | null): number {
  if (raw === null) return DEFAULT_PROFILE_SECONDS;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PROFILE_SECONDS)) {
    throw new BadRequest(`invalid seconds ${JSON.stringify(raw)}: must be a whole number of seconds from 1 to ${MAX_PROFILE_SECONDS}`);
  }
  return n;
}

function sendJson(res: ServerResponse, body: unknown, filename: string): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-disposition': `attachment; filename="${filename}"` }).end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(`${text}\n`);
}

function indexPage(): string {
  const rows = ENDPOINTS.map(([name, what]) => `<li><a href="${name}">${name}</a>: ${what}</li>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><title>/debug/pprof/</title></head><body>\n<p>Node equivalents of Go's pprof profiles (docs/profiling.md).</p>\n<ul>\n${rows}\n</ul>\n</body></html>\n`;
}

/**
 * Serves Node equivalents of Go's `net/http/pprof` under /debug/pprof/ on 127.0.0.1:`port` only:
 * `profile?seconds=N` (V8 CPU profile), `heap` (V8 heap snapshot), `goroutine` (process report),
 * `threadcreate` (worker threads), `block` and `mutex` (event-loop delay), and an index. `trace`
 * answers 501, anything else 404; a bad `seconds` 400, and a second concurrent CPU profile 409.
 * Rejects with the listen error when the port cannot be listened on.
 */
export async function startDebugServer(port: number, log: Logger): Promise<DebugServer> {
  const delay = new EventLoopDelay();
  const profiling = new Set<CpuProfiler>();

  const cpuProfile = async (res: ServerResponse, seconds: number): Promise<void> => {
    if (profiling.size > 0) return sendText(res, 409, 'a CPU profile is already being taken; try again when it is done');
    const profiler = new CpuProfiler();
    profiling.add(profiler);
    try {
      await profiler.start();
      // A client that goes away ends the profile early; nobody is left to read it.
      const gone = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), seconds * 1000);
        res.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (gone || !profiler.running) return;
      sendJson(res, await profiler.stop(), 'profile.cpuprofile');
    } finally {
      profiler.discard();
      profiling.delete(profiler);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/debug/pprof') return void res.writeHead(301, { location: PREFIX }).end();
    if (!url.pathname.startsWith(PREFIX)) return sendText(res, 404, '404 page not found');
    const name = url.pathname.slice(PREFIX.length);
    switch (name) {
      case '':
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(indexPage());
      case 'profile':
        return cpuProfile(res, profileSeconds(url.searchParams.get('seconds')));
      case 'heap':
        res.writeHead(200, { 'content-type': 'application/json', 'content-disposition': 'attachment; filename="heap.heapsnapshot"' });
        return pipeline(getHeapSnapshot(), res);
      case 'goroutine':
        return sendJson(res, goroutineReport(), 'goroutine.json');
      case 'threadcreate':
        return sendJson(res, threadReport(), 'threadcreate.json');
      case 'block':
      case 'mutex':
        return sendJson(res, delay.report(name), `${name}.json`);
      case 'trace':
        return sendText(res, 501, `trace is not supported: ${TRACE_UNSUPPORTED}`);
      default:
        return sendText(res, 404, `unknown profile ${JSON.stringify(name)}`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) return sendText(res, 400, err.message);
      // A client that hangs up during a heap snapshot is not the server's problem.
      if ((err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      log.warn({ path: req.url, error: errorMessage(err) }, 'Profiling request failed');
      if (!res.headersSent) sendText(res, 500, `profiling failed: ${errorMessage(err)}`);
      else res.destroy();
    });
  });
  // As upstream's debug server: a client has 10 s to send its request headers.
  server.headersTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, DEBUG_HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    delay.close();
    throw err;
  }
  server.on('error', (err) => log.warn({ error: errorMessage(err) }, 'Profiling server failed'));
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const p of profiling) p.discard();
        delay.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
