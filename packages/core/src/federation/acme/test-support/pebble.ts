import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';

/** The binaries of Debian's `pebble` package. */
export const PEBBLE_BIN = '/usr/bin/pebble';
export const CHALLTESTSRV_BIN = '/usr/bin/pebble-challtestsrv';

/**
 * The `skip` option of a pebble-backed test: a message when pebble is not installed and CI is not
 * set; false (run) otherwise, so that under CI=true a missing pebble fails rather than skips.
 */
export function pebbleSkip(): string | false {
  if (existsSync(PEBBLE_BIN) && existsSync(CHALLTESTSRV_BIN)) return false;
  if (process.env.CI === 'true') return false;
  return `pebble is not installed (${PEBBLE_BIN}, ${CHALLTESTSRV_BIN}); apt-get install -y pebble to run the ACME tests`;
}

/** A free loopback TCP port (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** GET over HTTPS trusting `ca`; the body as text. */
export function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
}

/** A running pebble (and the challtestsrv that answers its DNS queries). */
export interface Pebble {
  /** The ACME directory, `https://127.0.0.1:<port>/dir`. */
  directoryUrl: string;
  /** The self-signed certificate of pebble's own HTTPS listeners (PEM). */
  listenerCa: string;
  /** Pebble's current root CA (PEM), from the management port; it changes on every start. */
  root(): Promise<string>;
  /** Stops both processes. Safe to call twice. */
  stop(): Promise<void>;
}

function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
  });
}

async function waitUntil(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts pebble on loopback for a tls-alpn-01 test: its listener certificate is generated into
 * `dir` (openssl), validation dials `tlsPort` (the TLS front of the test), names resolve to
 * 127.0.0.1 through pebble-challtestsrv (its challenge listeners disabled), nonces are never
 * rejected and validation does not sleep.
 */
export async function startPebble(opts: { dir: string; tlsPort: number; env?: Record<string, string> }): Promise<Pebble> {
  await mkdir(opts.dir, { recursive: true });
  const cert = path.join(opts.dir, 'pebble-listener.pem');
  const key = path.join(opts.dir, 'pebble-listener.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  const [listen, mgmt, httpPort, dnsPort, challMgmt] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const config = path.join(opts.dir, 'pebble-config.json');
  await writeFile(config, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${listen}`,
      managementListenAddress: `127.0.0.1:${mgmt}`,
      certificate: cert,
      privateKey: key,
      httpPort,
      tlsPort: opts.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  }));
  const chall = spawn(CHALLTESTSRV_BIN, [
    '-defaultIPv4', '127.0.0.1', '-defaultIPv6', '', '-dns01', `127.0.0.1:${dnsPort}`,
    '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${challMgmt}`,
  ], { stdio: 'ignore' });
  const pebble = spawn(PEBBLE_BIN, ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
    stdio: 'ignore',
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', ...opts.env },
  });
  const listenerCa = execFileSync('openssl', ['x509', '-in', cert]).toString('utf8');
  const stop = async () => {
    await Promise.all([stopProcess(pebble), stopProcess(chall)]);
  };
  const directoryUrl = `https://127.0.0.1:${listen}/dir`;
  try {
    await waitUntil('pebble', async () => (await httpsGet(directoryUrl, listenerCa)).status === 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    directoryUrl,
    listenerCa,
    root: async () => (await httpsGet(`https://127.0.0.1:${mgmt}/roots/0`, listenerCa)).body,
    stop,
  };
}
