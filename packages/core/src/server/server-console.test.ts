import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { runInProcess } from '../cli/test-support/run-in-process.js';
import { toPem } from '../ca/x509/certificate.js';
import { DATA_STORE } from '../plugins/datastore/contract.js';
import { startRealServer } from './real-server.test-support.js';

function get(port: string, path: string, ca: string, cookie?: string): Promise<{ status: number; location?: string; cookie?: string; peer: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, checkServerIdentity: () => undefined, agent: false, headers: cookie ? { Cookie: cookie } : {} }, (res) => {
      res.resume();
      const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate()!;
      const set = res.headers['set-cookie']?.[0]?.split(';')[0];
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}), ...(set ? { cookie: set } : {}), peer }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the server starts the console with its X509-SVID, and console login gives a link that logs in once', async () => {
  const { server, dir, socketPath } = await startRealServer({ blocks: 'console {\n  bind_port = 0\n}\n', consoleAssetsDir: '/nonexistent-ui' });
  try {
    assert.ok(server.consolePort);
    const bundle = await server.resolve(DATA_STORE).fetchBundle('spiffe://example.org');
    const ca = toPem(bundle!.rootCas.map((c) => c.derBytes));
    const r = await runInProcess(['console', 'login', '-socketPath', socketPath]);
    assert.equal(r.code, 0, r.stderr);
    const url = new URL(r.stdout.split('\n')[0]!);
    assert.equal(url.origin, `https://127.0.0.1:${server.consolePort}`);
    const first = await get(url.port, url.pathname + url.search, ca);
    assert.equal(first.status, 303);
    assert.equal(first.location, '/');
    assert.match(first.peer.subjectAltName ?? '', /URI:spiffe:\/\/example\.org\/spire\/server/);
    assert.equal((await get(url.port, url.pathname + url.search, ca)).status, 401);
    // The UI is not at consoleAssetsDir: the page says to build it.
    assert.equal((await get(url.port, '/', ca, first.cookie)).status, 503);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a console block nothing listens and console login says to add the block', async () => {
  const { server, dir, socketPath } = await startRealServer();
  try {
    assert.equal(server.consolePort, undefined);
    const r = await runInProcess(['console', 'login', '-socketPath', socketPath]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the console is not enabled: add a console block to the server configuration/);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
