/**
 * An HTTP or HTTPS server on 127.0.0.1 that answers a list of routes, for protocol-level cloud
 * emulators. Every request is recorded; a test can delay every answer, take the server down
 * (503) while it keeps listening, or make chosen routes fail a number of times.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request as a route handler sees it. */
export interface EmulatorRequest {
  method: string;
  /** The path, without the query. */
  path: string;
  /** Path parameters named in the route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A handler's answer: a JSON value, or a raw body with its content type. */
export interface EmulatorResponse {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | Buffer;
}

/** An error answer a handler throws: the status and the JSON body the cloud would send. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly json: unknown,
    message = `HTTP ${status}`,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * One route. `path` is a pattern: `{name}` matches one path segment, `{name*}` the rest of the
 * path (one or more segments), and a segment may mix text and a parameter (`{resource}:sign`).
 */
export interface Route {
  method: string;
  path: string;
  /** A short name for the request log and for faults, e.g. `compute.instances.get`. */
  name: string;
  handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
}

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The route's name, or '' when no route matched. */
  route: string;
  /** The Authorization header, if any. */
  authorization?: string;
  body: string;
}

interface Fault {
  route: string;
  status: number;
  json: unknown;
  count: number;
}

/** Options of {@link HttpEmulator.start}. */
export interface HttpEmulatorOptions {
  routes: Route[];
  /** Serve HTTPS with this certificate and key (PEM); plain HTTP when absent. */
  tls?: { certPem: string; keyPem: string };
  /** The JSON body of a 404 for a path no route matches. */
  notFound?: (method: string, path: string) => unknown;
  port?: number;
}

function compile(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const src = pattern
    .split(/(\{[a-zA-Z_]+\*?\})/)
    .map((part) => {
      const m = /^\{([a-zA-Z_]+)(\*?)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+?)';
    })
    .join('');
  return { re: new RegExp(`^${src}$`), names };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: EmulatorResponse): void {
  const headers: Record<string, string> = { 'x-request-id': randomUUID(), ...r.headers };
  let body: string | Buffer = '';
  if (r.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    body = JSON.stringify(r.json);
  } else if (r.body !== undefined) {
    body = r.body;
  }
  res.writeHead(r.status ?? 200, headers);
  res.end(body);
}

/** The running server. */
export class HttpEmulator {
  /** `http(s)://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  private latencyMs = 0;
  private unavailable = false;
  private readonly faults: Fault[] = [];
  private readonly compiled: { route: Route; re: RegExp; names: string[] }[];

  private constructor(
    private readonly server: Server,
    private readonly opts: HttpEmulatorOptions,
  ) {
    const port = (server.address() as AddressInfo).port;
    this.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    this.compiled = opts.routes.map((route) => ({ route, ...compile(route.path) }));
  }

  static async start(opts: HttpEmulatorOptions): Promise<HttpEmulator> {
    const holder: { self?: HttpEmulator } = {};
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      holder.self!.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, { status: 500, json: { error: String(e) } });
      });
    };
    const server = opts.tls ? createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, onRequest) : createHttpServer(onRequest);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    holder.self = new HttpEmulator(server, opts);
    return holder.self;
  }

  /** Delays every answer by `ms`. */
  setLatencyMs(ms: number): void {
    this.latencyMs = ms;
  }

  /** When on, every request answers 503 (the server keeps listening). */
  setUnavailable(on: boolean): void {
    this.unavailable = on;
  }

  /** Makes the next `count` requests of the named route answer `status` with `json`. */
  fail(route: string, status: number, json: unknown, count = 1): void {
    this.faults.push({ route, status, json, count });
  }

  /** Drops every pending fault. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Recorded requests of one route. */
  calls(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    let match: { route: Route; params: Record<string, string> } | undefined;
    for (const c of this.compiled) {
      if (c.route.method !== method) continue;
      const m = c.re.exec(url.pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
      match = { route: c.route, params };
      break;
    }
    this.requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      route: match?.route.name ?? '',
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      body: body.toString('utf8'),
    });
    if (this.unavailable) return send(res, { status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } });
    if (!match) return send(res, { status: 404, json: this.opts.notFound?.(method, url.pathname) ?? { error: `no route for ${method} ${url.pathname}` } });
    const i = this.faults.findIndex((f) => f.route === match.route.name);
    if (i >= 0) {
      const f = this.faults[i]!;
      if (--f.count <= 0) this.faults.splice(i, 1);
      return send(res, { status: f.status, json: f.json });
    }
    try {
      send(res, await match.route.handler({ method, path: url.pathname, params: match.params, query: url.searchParams, headers: req.headers, body }));
    } catch (e) {
      if (e instanceof HttpError) return send(res, { status: e.status, json: e.json });
      send(res, { status: 500, json: { error: e instanceof Error ? e.message : String(e) } });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
