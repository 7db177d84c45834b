import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogCapture } from '../api/testing/harness.js';
import { FakeServerCA, type IssuedCert } from '../api/ports.fake.js';
import type { ConsoleConfig } from '../config/types.js';
import { TrustDomain } from '../spiffeid/index.js';
import type { ConsoleApi, ConsoleApiRequest } from './console-api-port.js';
import { LoginLinks } from './login-links.js';
import { startConsoleServer, type ConsoleServer } from './server.js';

/** A fake ConsoleApi: records each call and answers `{ "echo": path }` (or what `answer` gives). */
export class FakeConsoleApi implements ConsoleApi {
  readonly calls: ConsoleApiRequest[] = [];
  answer: (req: ConsoleApiRequest) => Awaited<ReturnType<ConsoleApi['handle']>> = (req) => ({ status: 200, json: { echo: req.path } });
  async handle(req: ConsoleApiRequest) {
    this.calls.push(req);
    return this.answer(req);
  }
}

/** A console listener on 127.0.0.1:0 with a fake CA, a fake API and a temp UI directory. */
export interface TestConsole {
  server: ConsoleServer;
  ca: FakeServerCA;
  api: FakeConsoleApi;
  links: LoginLinks;
  logs: LogCapture;
  /** The UI directory (holds index.html and app.js unless `built: false`). */
  assetsDir: string;
  /** The clock of sessions and links: move `clock.ms` to pass time. */
  clock: { ms: number };
  close(): Promise<void>;
}

export const ADMIN_ID = 'spiffe://example.org/admin';

/** Starts a console for a test. */
export async function startTestConsole(opts: { built?: boolean; config?: Partial<ConsoleConfig> } = {}): Promise<TestConsole> {
  const td = TrustDomain.parse('example.org');
  const ca = await FakeServerCA.create(td);
  const dir = await mkdtemp(join(tmpdir(), 'spire-console-'));
  if (opts.built !== false) {
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title><script src="/assets/app.js"></script>');
    await writeFile(join(dir, 'app.js'), 'console.log("app");');
  }
  const clock = { ms: Date.now() };
  const now = () => clock.ms;
  const config: ConsoleConfig = { bindAddress: '127.0.0.1', bindPort: 0, sessionIdleTimeoutMs: 15 * 60_000, loginLinkTtlMs: 5 * 60_000, ...opts.config };
  const links = new LoginLinks(config.loginLinkTtlMs, '', now);
  const api = new FakeConsoleApi();
  const logs = new LogCapture();
  const creds = await ca.serverTlsCredentials();
  const root = ca.root.certDer;
  const server = await startConsoleServer({
    config,
    links,
    api,
    tls: {
      serving: async () => ({ certPem: creds.certChainPem, keyPem: creds.privateKeyPem }),
      trust: async () => ({ roots: [root], byTrustDomain: new Map([['example.org', new Set([new X509Certificate(root).fingerprint256])]]) }),
    },
    adminIds: [ADMIN_ID],
    assetsDir: dir,
    log: logs.logger,
    now,
  });
  return {
    server,
    ca,
    api,
    links,
    logs,
    assetsDir: dir,
    clock,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One HTTPS answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A real HTTPS request to the console, trusting `ca`'s root; presents `cert` when given. The
 * server certificate names a SPIFFE ID, not a host, so the host name is not checked.
 */
export function fetchConsole(
  t: { server: ConsoleServer; ca: FakeServerCA },
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; cert?: IssuedCert; caPem?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: t.server.port,
        path,
        method: o.method ?? 'GET',
        headers: { ...o.headers, ...(o.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ca: o.caPem ?? t.ca.root.certPem,
        checkServerIdentity: () => undefined,
        agent: false,
        ...(o.cert ? { cert: o.cert.certPem, key: o.cert.keyPem } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The `spire_console=<id>` pair of a Set-Cookie answer. */
export function cookieOf(a: Answer): string {
  const set = a.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  if (!first) throw new Error(`no Set-Cookie in answer ${a.status}`);
  return first.split(';')[0]!;
}

/** Logs in through a fresh login link; returns the cookie pair and the session's CSRF token. */
export async function logIn(t: TestConsole): Promise<{ cookie: string; csrf: string }> {
  const link = t.links.issue();
  const a = await fetchConsole(t, `/login?token=${link.token}`);
  const cookie = cookieOf(a);
  const s = await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookie } });
  return { cookie, csrf: (JSON.parse(s.body) as { csrfToken: string }).csrfToken };
}
