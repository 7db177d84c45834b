import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { InProcessKeyManager } from '../../../plugins/keymanager/in-process-key-manager.js';
import type { BundleEndpointIdentity } from '../../bundle-endpoint/identity.js';
import { AcmeIdentity, type AcmeIdentityOptions } from '../acme-identity.js';
import { startPebble, type Pebble } from './pebble.js';
import { recordingLogger, type LogRecord } from '../../../log/recording-logger.js';
import { startTlsFront, type TlsFront } from './tls-front.js';

/** The dotted test domain (autocert refuses names without a dot). */
export const DOMAIN = 'bundle.spire.test';

export { recordingLogger, type LogRecord } from '../../../log/recording-logger.js';

/** A pebble, a TLS front on pebble's tlsPort, and an AcmeIdentity behind the front. */
export interface Harness {
  dir: string;
  cacheDir: string;
  km: InProcessKeyManager;
  records: LogRecord[];
  pebble: Pebble;
  front: TlsFront;
  identity: AcmeIdentity;
  /** While true, the front refuses tls-alpn-01 validation handshakes (so orders fail). */
  blockChallenges: boolean;
  /** Replaces the identity (a server restart): closes the old one and the front, starts both anew. */
  restart(extra?: Partial<AcmeIdentityOptions>): Promise<void>;
  close(): Promise<void>;
}

/** Starts the whole set-up in a fresh temporary data dir. */
export async function startHarness(
  extra: Partial<AcmeIdentityOptions> & { tosAccepted?: boolean; pebbleEnv?: Record<string, string> } = {},
): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'spire-acme-'));
  const cacheDir = path.join(dir, 'data', 'bundle-acme');
  const km = new InProcessKeyManager([]);
  const { log, records } = recordingLogger();
  let current: AcmeIdentity | undefined;
  const delegate: BundleEndpointIdentity = {
    tlsFor: (hello) => {
      if (!current) return Promise.reject(new Error('no identity yet'));
      if (h.blockChallenges && hello.alpnProtocols.includes('acme-tls/1')) return Promise.reject(new Error('challenge blocked by the test'));
      return current.tlsFor(hello);
    },
  };
  let front = await startTlsFront(delegate);
  const { tosAccepted = true, pebbleEnv, ...rest } = extra;
  const pebble = await startPebble({ dir: path.join(dir, 'pebble'), tlsPort: front.port, ...(pebbleEnv ? { env: pebbleEnv } : {}) });
  const make = async (more: Partial<AcmeIdentityOptions>) => {
    const id = new AcmeIdentity({
      config: { directoryUrl: pebble.directoryUrl, domainName: DOMAIN, email: 'admin@spire.test', tosAccepted, cacheDir },
      keyManager: km,
      log,
      version: '1.16.0',
      directoryCa: pebble.listenerCa,
      ...rest,
      ...more,
    });
    await id.start();
    return id;
  };
  current = await make({});
  const h: Harness = {
    dir,
    cacheDir,
    km,
    records,
    pebble,
    front,
    identity: current,
    blockChallenges: false,
    restart: async (more = {}) => {
      await current?.close();
      await front.close();
      current = await make(more);
      front = await startTlsFront(delegate);
      h.front = front;
      h.identity = current;
    },
    close: async () => {
      await current?.close();
      await front.close();
      await pebble.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** What one client connection to the front saw. */
export interface FetchResult {
  /** The served chain, leaf first (PEM). */
  chainPem: string[];
  alpn: string | false;
  body: string;
}

/**
 * Connects to the front with `servername` (omitted: no SNI) and `alpn`, verifying the served chain
 * against `ca` when given, then sends `GET /`. Rejects when the handshake is refused.
 */
export function fetchOverTls(port: number, opts: { servername?: string; alpn?: string[]; ca?: string }): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      ...(opts.servername ? { servername: opts.servername } : {}),
      ALPNProtocols: opts.alpn ?? ['http/1.1'],
      ...(opts.ca ? { ca: opts.ca } : { rejectUnauthorized: false }),
    });
    const chunks: Buffer[] = [];
    let chainPem: string[] = [];
    let secured = false;
    s.on('secureConnect', () => {
      secured = true;
      chainPem = [];
      const seen = new Set<string>();
      for (let c = s.getPeerCertificate(true); c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
        seen.add(c.fingerprint256);
        chainPem.push(new X509Certificate(c.raw).toString());
      }
      if (s.alpnProtocol === 'acme-tls/1') {
        s.end();
        resolve({ chainPem, alpn: s.alpnProtocol, body: '' });
        return;
      }
      s.write(`GET / HTTP/1.1\r\nHost: ${opts.servername ?? 'localhost'}\r\nConnection: close\r\n\r\n`);
    });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => reject(new Error('connection closed before the TLS handshake completed')));
    s.on('end', () => {
      if (!secured) return reject(new Error('connection closed before the TLS handshake completed'));
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ chainPem, alpn: s.alpnProtocol ?? false, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    s.on('error', reject);
    s.setTimeout(60_000, () => s.destroy(new Error('timed out')));
  });
}
