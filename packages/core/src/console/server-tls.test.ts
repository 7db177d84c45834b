import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { FakeServerCA } from '../api/ports.fake.js';
import { silentLogger } from '../log/logger.js';
import { TrustDomain } from '../spiffeid/index.js';
import { LoginLinks } from './login-links.js';
import { startConsoleServer } from './server.js';
import { fileTlsSource, type ServingPair } from './server-tls.js';

function peerSerial(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/login', ca, checkServerIdentity: () => undefined, agent: false }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerX509Certificate()!.serialNumber;
      res.resume();
      res.on('end', () => resolve(serial));
    });
    req.on('error', reject);
    req.end();
  });
}

const noTrust = async () => ({ roots: [], byTrustDomain: new Map<string, Set<string>>() });

test('a rotated serving certificate is served from the next connection on, without a restart', async () => {
  const ca = await FakeServerCA.create(TrustDomain.parse('example.org'));
  const first = await ca.issue('spiffe://example.org/spire/server');
  let pair: ServingPair = { certPem: first.certPem, keyPem: first.keyPem };
  let notify = () => undefined as void;
  const console = await startConsoleServer({
    config: { bindAddress: '127.0.0.1', bindPort: 0, sessionIdleTimeoutMs: 60_000, loginLinkTtlMs: 60_000 },
    links: new LoginLinks(60_000, ''),
    api: { handle: async () => ({ status: 200, json: {} }) },
    tls: {
      serving: async () => pair,
      trust: noTrust,
      onChange: (fn) => {
        notify = fn;
        return () => undefined;
      },
    },
    adminIds: [],
    assetsDir: '/nonexistent',
    log: silentLogger(),
  });
  try {
    assert.equal(await peerSerial(console.port, ca.root.certPem), new X509Certificate(first.certPem).serialNumber);
    const next = await ca.issue('spiffe://example.org/spire/server');
    pair = { certPem: next.certPem, keyPem: next.keyPem };
    notify();
    await console.refreshTls();
    assert.equal(await peerSerial(console.port, ca.root.certPem), new X509Certificate(next.certPem).serialNumber);
  } finally {
    await console.close();
  }
});

test('cert_file and key_file are read at start; a file that does not load is named', async () => {
  const ca = await FakeServerCA.create(TrustDomain.parse('example.org'));
  const cert = await ca.issue('spiffe://example.org/console', { dnsNames: ['localhost'] });
  const dir = await mkdtemp(join(tmpdir(), 'console-tls-'));
  try {
    await writeFile(join(dir, 'c.pem'), cert.certPem);
    await writeFile(join(dir, 'k.pem'), cert.keyPem);
    const src = await fileTlsSource(join(dir, 'c.pem'), join(dir, 'k.pem'), noTrust);
    assert.deepEqual(await src.serving(), { certPem: cert.certPem, keyPem: cert.keyPem });
    await assert.rejects(fileTlsSource(join(dir, 'missing.pem'), join(dir, 'k.pem'), noTrust), (err: Error) => {
      assert.match(err.message, /^console: cannot load cert_file ".*missing\.pem" and key_file ".*k\.pem": .*no such file/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
