/**
 * The emulator's HTTP front: reads a request, finds the service and operation from the protocol
 * it speaks, applies latency and injected faults, runs the handler and writes the reply (or the
 * AWS error) in that protocol's form.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AwsError, esc, type RequestContext, type RestRoute, type ServiceModule } from './protocol.js';

/** One request as the emulator saw it. */
export interface RecordedRequest {
  service: string;
  operation: string;
  /** JSON input, query parameters as an object, or the REST body. */
  input: unknown;
  region: string;
}

/** An injected failure: the next `count` calls of an operation (or every operation) fail. */
export interface Fault {
  service: string;
  /** Operation name; undefined = every operation of the service. */
  operation?: string;
  error: AwsError;
  /** How many calls fail; Infinity = until cleared. */
  count: number;
}

/** Mutable knobs the emulator's owner sets. */
export interface ServerControls {
  latencyMs: number;
  unavailable: boolean;
  faults: Fault[];
  readonly requests: RecordedRequest[];
}

interface Dispatch {
  service: ServiceModule;
  operation: string;
  input: unknown;
  run: () => unknown;
  reply: (res: ServerResponse, result: unknown) => void;
  fail: (res: ServerResponse, err: AwsError) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function context(req: IncomingMessage): RequestContext {
  const auth = req.headers.authorization ?? '';
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(auth);
  return { accessKeyId: m?.[1] ?? '', region: m?.[2] ?? '' };
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(body);
}

function jsonDispatch(service: ServiceModule, operation: string, body: Buffer, ctx: RequestContext): Dispatch {
  const input: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  const handler = service.json?.[operation];
  return {
    service,
    operation,
    input,
    run: () => {
      if (!handler) throw new AwsError('UnknownOperationException', `${service.name} does not emulate ${operation}`);
      return handler(input, ctx);
    },
    reply: (res, result) => send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(result ?? {})),
    fail: (res, err) =>
      send(res, err.status, 'application/x-amz-json-1.1', JSON.stringify({ __type: err.type, message: err.message })),
  };
}

function queryDispatch(service: ServiceModule, params: Map<string, string>, ctx: RequestContext): Dispatch {
  const operation = params.get('Action') ?? '';
  const handler = service.query?.[operation];
  const ns = service.queryNamespace ?? '';
  const requestId = randomUUID();
  const ec2 = service.queryFlavor === 'ec2';
  return {
    service,
    operation,
    input: Object.fromEntries(params),
    run: () => {
      if (!handler) throw new AwsError('InvalidAction', `${service.name} does not emulate ${operation}`);
      return handler(params, ctx);
    },
    reply: (res, result) => {
      const inner = ec2
        ? `<requestId>${requestId}</requestId>${String(result)}`
        : `<${operation}Result>${String(result)}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`;
      send(res, 200, 'text/xml', `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${ns}">${inner}</${operation}Response>`);
    },
    fail: (res, err) => {
      const body = ec2
        ? `<Response><Errors><Error><Code>${esc(err.type)}</Code><Message>${esc(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
        : `<ErrorResponse xmlns="${ns}"><Error><Type>${err.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${esc(err.type)}</Code><Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      send(res, err.status, 'text/xml', `<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
    },
  };
}

function matchRoute(route: RestRoute, method: string, path: string): Record<string, string> | undefined {
  if (route.method !== method) return undefined;
  const want = route.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith('{') && w.endsWith('}')) params[w.slice(1, -1)] = decodeURIComponent(got[i]!);
    else if (w !== got[i]) return undefined;
  }
  return params;
}

function restDispatch(
  services: readonly ServiceModule[],
  method: string,
  url: URL,
  body: Buffer,
  ctx: RequestContext,
): Dispatch | undefined {
  for (const service of services) {
    for (const route of service.rest ?? []) {
      const params = matchRoute(route, method, url.pathname);
      if (!params) continue;
      const input: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      return {
        service,
        operation: `${method} ${route.path}`,
        input,
        run: () => route.handler(params, url.searchParams, input, ctx),
        reply: (res, result) => send(res, route.status ?? 200, 'application/json', JSON.stringify(result ?? {})),
        fail: (res, err) =>
          send(res, err.status, 'application/json', JSON.stringify({ message: err.message }), { 'x-amzn-errortype': err.type }),
      };
    }
  }
  return undefined;
}

function route(services: readonly ServiceModule[], req: IncomingMessage, body: Buffer, ctx: RequestContext): Dispatch | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const service = services.find((s) => s.jsonTarget === target.slice(0, dot));
    return service && jsonDispatch(service, target.slice(dot + 1), body, ctx);
  }
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    const params = new Map(new URLSearchParams(body.toString('utf8')));
    const service = services.find((s) => s.queryVersion === params.get('Version'));
    return service && queryDispatch(service, params, ctx);
  }
  return restDispatch(services, req.method ?? 'GET', new URL(req.url ?? '/', 'http://emulator'), body, ctx);
}

function takeFault(controls: ServerControls, d: Dispatch): AwsError | undefined {
  const i = controls.faults.findIndex(
    (f) => f.service === d.service.name && (f.operation === undefined || f.operation === d.operation),
  );
  if (i < 0) return undefined;
  const f = controls.faults[i]!;
  if (--f.count <= 0) controls.faults.splice(i, 1);
  return f.error;
}

async function handle(services: readonly ServiceModule[], controls: ServerControls, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (controls.latencyMs > 0) await new Promise((r) => setTimeout(r, controls.latencyMs));
  if (controls.unavailable) {
    send(res, 503, 'text/plain', 'Service Unavailable');
    return;
  }
  const ctx = context(req);
  let d: Dispatch | undefined;
  try {
    d = route(services, req, body, ctx);
  } catch (e) {
    send(res, 400, 'application/json', JSON.stringify({ __type: 'SerializationException', message: String(e) }));
    return;
  }
  if (!d) {
    send(res, 404, 'application/json', JSON.stringify({ __type: 'UnknownOperationException', message: `no emulated service for ${req.method} ${req.url}` }));
    return;
  }
  controls.requests.push({ service: d.service.name, operation: d.operation, input: d.input, region: ctx.region });
  const fault = takeFault(controls, d);
  if (fault) {
    d.fail(res, fault);
    return;
  }
  try {
    d.reply(res, await d.run());
  } catch (e) {
    d.fail(res, e instanceof AwsError ? e : new AwsError('InternalFailure', e instanceof Error ? e.message : String(e), 500));
  }
}

/** Starts the HTTP server on 127.0.0.1 (`port` 0: an ephemeral port). */
export async function startServer(services: readonly ServiceModule[], controls: ServerControls, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    handle(services, controls, req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
