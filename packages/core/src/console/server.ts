import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CallerInfo, CallerSvid } from '../api/caller.js';
import { trustedPeerSvid } from '../api/peer-cache.js';
import type { ConsoleConfig } from '../config/types.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { SpiffeId } from '../spiffeid/index.js';
import { ConsoleAssets } from './assets.js';
import type { ConsoleApi } from './console-api-port.js';
import {
  CSRF_HEADER,
  clearedSessionCookie,
  readJsonBody,
  redirect,
  sendApiError,
  sendHtml,
  sendJson,
  sessionCookie,
  sessionIdOf,
  setSecurityHeaders,
} from './http.js';
import type { LoginLinks } from './login-links.js';
import { badLinkPage, loginPage } from './login-pages.js';
import { consoleContextOptions, type ConsoleTlsSource } from './server-tls.js';
import { SessionStore, type ConsoleSession } from './session.js';

/** What the console listener is started from. */
export interface ConsoleServerOptions {
  config: ConsoleConfig;
  /** The login links the admin socket issues (their base URL is set here once the port is known). */
  links: LoginLinks;
  /** Answers `/api/v1/*` other than session and logout. */
  api: ConsoleApi;
  tls: ConsoleTlsSource;
  /** admin_ids: client certificates with one of these IDs log straight in. */
  adminIds: readonly string[];
  /** The built UI (`assetsDir` of @spire-ts/console-ui). */
  assetsDir: string;
  log: Logger;
  /** How often the TLS material is re-read (ms, default 5000). */
  tlsRefreshMs?: number;
  /** The clock of sessions (tests). */
  now?: () => number;
}

/** The running console listener. */
export interface ConsoleServer {
  /** The bound port (bind_port 0 resolved). */
  readonly port: number;
  /** `https://host:port` (or public_url): the base of login links. */
  readonly baseUrl: string;
  readonly sessions: SessionStore;
  /** Re-reads the served pair and trusted roots now (also done on a timer and on rotation). */
  refreshTls(): Promise<void>;
  /** Stops listening and closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function remoteIp(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** The pipeline caller of a session's calls (docs/console.md, "Callers"). */
export function callerOf(s: ConsoleSession, req: IncomingMessage): CallerInfo {
  const remote = remoteIp(req);
  const console = { user: s.user, remote };
  if (s.via === 'login_link') return { transport: 'uds', addr: 'console', ip: '', console };
  const port = req.socket.remotePort ?? 0;
  return { transport: 'tcp', addr: remote.includes(':') ? `[${remote}]:${port}` : `${remote}:${port}`, ip: remote, svid: s.svid!, console };
}

function sessionJson(s: ConsoleSession): object {
  return { user: s.user, via: s.via, csrfToken: s.csrfToken, idleExpiresAt: new Date(s.idleExpiresAt).toISOString() };
}

/**
 * Starts the console's HTTPS listener on `config.bind_address:bind_port`: the login pages, the
 * UI's files, `/api/v1/session`, `/api/v1/logout`, and every other `/api/v1/*` call handed to
 * `api` as the session's caller. Client certificates are requested, not required. Throws (having
 * started nothing) when the TLS material is unavailable or the address cannot be listened on.
 */
export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const log = o.log;
  const now = o.now ?? Date.now;
  const sessions = new SessionStore(o.config.sessionIdleTimeoutMs, now);
  const assets = new ConsoleAssets(o.assetsDir);
  const adminIds = new Set(o.adminIds.map((id) => SpiffeId.parse(id).toString()));
  let rootsFor: (td: string) => ReadonlySet<string> = () => new Set();

  const material = async () => {
    const [pair, trusted] = await Promise.all([o.tls.serving(), o.tls.trust()]);
    rootsFor = (td) => trusted.byTrustDomain.get(td) ?? new Set();
    return { options: consoleContextOptions(pair, trusted.roots), key: pair.certPem + trusted.roots.map((r) => Buffer.from(r).toString('base64')).join() };
  };

  /** The admin client certificate of this connection, if it presented one. */
  const adminCert = (req: IncomingMessage): CallerSvid | undefined => {
    let svid: CallerSvid | undefined;
    try {
      svid = trustedPeerSvid(req.socket as TLSSocket, rootsFor);
    } catch (err) {
      log.warn({ caller_addr: remoteIp(req), error: errorMessage(err) }, 'Rejected a console client certificate');
      return undefined;
    }
    if (!svid || !adminIds.has(svid.id.toString()) || svid.notAfter.getTime() <= now()) return undefined;
    return svid;
  };

  const openSession = (req: IncomingMessage, via: 'login_link' | 'client_certificate', svid?: CallerSvid): ConsoleSession => {
    const s = sessions.create({ via, remote: remoteIp(req), ...(svid ? { svid } : {}) });
    log.info({ console_user: s.user, console_remote: s.remote, via }, 'Console session opened');
    return s;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, s: ConsoleSession | undefined, cookie: Record<string, string>): Promise<void> => {
    if (!s) return sendApiError(res, 'UNAUTHENTICATED', 'no console session: log in again');
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && !sameToken(req.headers[CSRF_HEADER] as string | undefined, s.csrfToken)) {
      return sendApiError(res, 'PERMISSION_DENIED', 'missing or wrong CSRF token');
    }
    const path = url.pathname.slice('/api/v1'.length) || '/';
    if (path === '/session' && method === 'GET') return sendJson(res, 200, sessionJson(s), cookie);
    if (path === '/logout') {
      if (method !== 'POST') return sendApiError(res, 'UNIMPLEMENTED', 'logout takes POST');
      sessions.delete(s.id);
      log.info({ console_user: s.user, console_remote: remoteIp(req) }, 'Console session closed');
      return sendJson(res, 200, {}, { 'Set-Cookie': clearedSessionCookie() });
    }
    let body: unknown;
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        body = await readJsonBody(req);
      } catch (err) {
        const e = err as { code?: string; message?: string };
        return sendApiError(res, e.code ?? 'INTERNAL', e.message ?? errorMessage(err));
      }
    }
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    let out;
    try {
      out = await o.api.handle({ method, path, query: url.searchParams, body, caller: callerOf(s, req), signal: ac.signal });
    } catch (err) {
      log.error({ error: errorMessage(err), path }, 'Unexpected error in the console API');
      return sendApiError(res, 'INTERNAL', 'internal error');
    }
    if (out.json !== undefined || out.text === undefined) return sendJson(res, out.status, out.json ?? {}, { ...out.headers, ...cookie });
    res.writeHead(out.status, { ...out.headers, ...cookie, 'Content-Type': out.contentType ?? 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(out.text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'https://console.invalid');
    const method = req.method ?? 'GET';
    const isApi = url.pathname === '/api/v1' || url.pathname.startsWith('/api/v1/');
    // Other requests are answered before their body is read: drop it.
    if (!isApi) req.resume();

    if (url.pathname === '/login' && method === 'GET') {
      const token = url.searchParams.get('token');
      if (token !== null) {
        if (!o.links.redeem(token)) {
          log.warn({ console_remote: remoteIp(req) }, 'Refused a console login link: invalid, used or expired');
          return sendHtml(res, 401, badLinkPage());
        }
        return redirect(res, '/', { 'Set-Cookie': sessionCookie(openSession(req, 'login_link').id) });
      }
      const svid = adminCert(req);
      if (svid) return redirect(res, '/', { 'Set-Cookie': sessionCookie(openSession(req, 'client_certificate', svid).id) });
      return sendHtml(res, 200, loginPage(url.searchParams.get('expired') === '1'));
    }

    let s = sessions.get(sessionIdOf(req), { touch: true });
    let cookie: Record<string, string> = {};
    if (!s && (isApi || url.pathname === '/')) {
      const svid = adminCert(req);
      if (svid) {
        s = openSession(req, 'client_certificate', svid);
        cookie = { 'Set-Cookie': sessionCookie(s.id) };
      }
    }
    if (isApi) return handleApi(req, res, url, s, cookie);
    if (method !== 'GET' && method !== 'HEAD') return sendHtml(res, 405, '<!doctype html><title>Method not allowed</title><p>Method not allowed.</p>\n', { Allow: 'GET' });
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!s) return redirect(res, '/login');
      res.setHeader('Set-Cookie', cookie['Set-Cookie'] ?? []);
      return assets.index(res);
    }
    if (url.pathname.startsWith('/assets/')) return assets.asset(url.pathname.slice('/assets/'.length), res);
    return sendHtml(res, 404, '<!doctype html><title>Not found</title><p>Not found.</p>\n');
  };

  const first = await material();
  let lastKey = first.key;
  const server: Server = createServer({ ...first.options, requestCert: true, rejectUnauthorized: false, headersTimeout: 10_000, requestTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ error: errorMessage(err) }, 'Failed to answer a console request');
      if (!res.headersSent) sendApiError(res, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  });
  server.on('tlsClientError', (err) => log.debug({ error: errorMessage(err) }, 'Console TLS handshake failed'));
  const { bindAddress, bindPort } = o.config;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bindPort, bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw new Error(`console: cannot listen on ${hostForUrl(bindAddress)}:${bindPort}: ${errorMessage(err)}`, { cause: err });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = o.config.publicUrl ?? `https://${hostForUrl(bindAddress)}:${port}`;
  o.links.baseUrl = baseUrl;

  const refreshTls = async (): Promise<void> => {
    const m = await material();
    if (m.key === lastKey) return;
    lastKey = m.key;
    server.setSecureContext(m.options);
    log.info('Console TLS material reloaded');
  };
  const refreshQuietly = () => void refreshTls().catch((err: unknown) => log.warn({ error: errorMessage(err) }, 'Failed to refresh the console TLS material'));
  const timer = setInterval(refreshQuietly, o.tlsRefreshMs ?? 5_000);
  timer.unref();
  const unsubscribe = o.tls.onChange?.(refreshQuietly);
  log.info({ address: `${hostForUrl(bindAddress)}:${port}`, url: baseUrl }, 'Started the web console');

  let closed = false;
  return {
    port,
    baseUrl,
    sessions,
    refreshTls,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      unsubscribe?.();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
