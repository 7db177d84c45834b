/**
 * The HTTPS front of the emulator: records every request, applies the fault switches, checks
 * credentials, and routes to discovery, TokenReview or the resource verbs.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { serveResource, type Answer, type RestContext } from './rest.js';
import { apiVersionOf, type ResourceRegistry } from './resources.js';
import { badRequest, pathNotFound, methodNotAllowed, StatusError, unauthorized, unavailable } from './status.js';
import type { BoundObjectLookup, TokenIssuer } from './tokens.js';

/** One request as the emulator saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  auth: 'token' | 'cert' | 'none';
}

/** What the server reads and updates. */
export interface ServerContext {
  rest: RestContext;
  registry: ResourceRegistry;
  tokens: TokenIssuer;
  apiAudiences(): string[];
  /** When set, TokenReview also checks that the objects a projected token names still exist. */
  boundObjects(): BoundObjectLookup | undefined;
  /** Bearer tokens that authenticate (with full access). */
  acceptedTokens: Set<string>;
  requests: RecordedRequest[];
  faults: { unavailable: boolean; delayMs: number; malformed: boolean };
  countTokenReview(): void;
}

/** Serving TLS material; client certificates are verified against `clientCaPem`. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  clientCaPem: string;
}

const GIT_VERSION = 'v1.31.0';

function send(res: ServerResponse, a: Answer): void {
  const body = JSON.stringify(a.body);
  res.writeHead(a.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function authOf(req: IncomingMessage, ctx: ServerContext): RecordedRequest['auth'] {
  const socket = req.socket as TLSSocket;
  if (socket.authorized) return 'cert';
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (m && ctx.acceptedTokens.has((m[1] ?? '').trim())) return 'token';
  return 'none';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function discovery(ctx: ServerContext, path: string, host: string): Answer | undefined {
  if (path === '/version') {
    return { code: 200, body: { major: '1', minor: '31', gitVersion: GIT_VERSION, gitCommit: '', gitTreeState: 'clean', buildDate: '2024-08-13T00:00:00Z', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64' } };
  }
  if (path === '/api') return { code: 200, body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] } };
  const served = ctx.registry.served();
  if (path === '/apis') {
    const groups = [...new Set(served.filter((t) => t.group).map((t) => `${t.group}/${t.version}`)), 'authentication.k8s.io/v1'].map((gv) => {
      const [name, version] = gv.split('/') as [string, string];
      const v = { groupVersion: gv, version };
      return { name, versions: [v], preferredVersion: v };
    });
    return { code: 200, body: { kind: 'APIGroupList', apiVersion: 'v1', groups } };
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  const resources = served
    .filter((t) => t.group === group && t.version === version)
    .map((t) => ({ name: t.plural, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }));
  if (group === 'authentication.k8s.io' && version === 'v1') {
    resources.push({ name: 'tokenreviews', singularName: 'tokenreview', namespaced: false, kind: 'TokenReview', verbs: ['create'] });
  }
  if (resources.length === 0) return undefined;
  return { code: 200, body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources } };
}

async function tokenReview(ctx: ServerContext, method: string, body: string): Promise<Answer> {
  if (method !== 'POST') throw methodNotAllowed();
  let review: { apiVersion?: string; kind?: string; spec?: { token?: string; audiences?: string[] } };
  try {
    review = JSON.parse(body) as typeof review;
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
  const token = review.spec?.token ?? '';
  if (!token) throw badRequest('token is required for TokenReview in authentication');
  ctx.countTokenReview();
  const status = await ctx.tokens.review(token, review.spec?.audiences, ctx.apiAudiences(), ctx.boundObjects());
  return { code: 201, body: { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: review.spec, status } };
}

async function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: URL, query: Record<string, string>): Promise<Answer | undefined> {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const body = await readBody(req);
  if (path === '/apis/authentication.k8s.io/v1/tokenreviews') return tokenReview(ctx, method, body);
  if (method === 'GET') {
    const d = discovery(ctx, path, url.host);
    if (d) return d;
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
  if (!m) throw pathNotFound();
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  const rest = (m[4] ?? '').split('/').map(decodeURIComponent);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const type = ctx.registry.byPath(group, version, plural ?? '');
  if (!type || extra.length > 0 || (namespace !== undefined && !type.namespaced)) throw pathNotFound();
  if (type.namespaced && namespace === undefined && name !== undefined) throw pathNotFound();
  return serveResource(
    ctx.rest,
    { method, type, namespace, name, subresource, query, contentType: req.headers['content-type'] ?? '', userAgent: req.headers['user-agent'] ?? '', body },
    res,
  );
}

/**
 * Creates (does not start) the HTTPS server. It asks for a client certificate but also serves
 * clients without one; a request authenticates with a verified certificate or an accepted
 * bearer token, otherwise it answers 401.
 */
export function createApiServer(ctx: ServerContext, tls: TlsMaterial): Server {
  return createServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'localhost'}`);
    const query = Object.fromEntries(url.searchParams);
    const auth = authOf(req, ctx);
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query, auth };
    if (req.headers['content-type']) rec.contentType = req.headers['content-type'];
    ctx.requests.push(rec);
    void (async () => {
      try {
        if (ctx.faults.delayMs > 0) await new Promise((r) => setTimeout(r, ctx.faults.delayMs));
        if (ctx.faults.unavailable) throw unavailable();
        if (auth === 'none') throw unauthorized();
        const a = await route(ctx, req, res, url, query);
        if (a && ctx.faults.malformed) {
          res.writeHead(a.code, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(a.body).slice(0, 12));
        } else if (a) send(res, a);
      } catch (err) {
        const e = err instanceof StatusError ? err : new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
        if (!res.headersSent) send(res, { code: e.code, body: e.toStatus() });
        else res.end();
      }
    })();
  });
}
