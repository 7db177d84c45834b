// https_web with serving_cert_file: the pair is served, reloaded when a file changes, and a bad
// new pair leaves the old one in service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { LogCapture } from '../../api/testing/harness.js';
import { startBundleEndpoint } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'cert-file-'));
function pair(name: string, cn: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${cn}`], { stdio: 'ignore' });
  return { cert, key };
}

function servedCn(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: 'bundle.example', rejectUnauthorized: false });
    s.on('secureConnect', () => {
      resolve(String(s.getPeerCertificate().subject.CN));
      s.destroy();
    });
    s.on('error', reject);
  });
}

const until = async (cond: () => Promise<boolean> | boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('serves the pair, reloads it when a file changes, keeps it when the new pair is bad', async () => {
  const a = pair('a', 'first.example');
  const b = pair('b', 'second.example');
  const live = { cert: join(dir, 'live.pem'), key: join(dir, 'live.key') };
  copyFileSync(a.cert, live.cert);
  copyFileSync(a.key, live.key);
  const logs = new LogCapture();
  const ep = await startBundleEndpoint({
    config: { address: '127.0.0.1', port: 0, refreshHintMs: 300_000, profile: { type: 'https_web', servingCertFile: { certFilePath: live.cert, keyFilePath: live.key, fileSyncIntervalMs: 50 } } },
    fetchBundle: async () => undefined,
    serverSvid: { state: () => undefined },
    log: logs.logger,
  });
  try {
    assert.equal(await servedCn(ep.port), 'first.example');
    assert.ok(logs.lines.some((l) => l.msg === 'Started watching certificate files' && l.interval === '50ms'));
    copyFileSync(b.cert, live.cert);
    copyFileSync(b.key, live.key);
    const t = new Date(Date.now() + 5_000);
    utimesSync(live.cert, t, t);
    await until(async () => (await servedCn(ep.port)) === 'second.example');
    assert.ok(logs.lines.some((l) => l.msg === 'Loaded provided certificate with success'));
    // A certificate whose key is not in the key file: refused, the old pair stays.
    copyFileSync(a.cert, live.cert);
    const t2 = new Date(Date.now() + 10_000);
    utimesSync(live.cert, t2, t2);
    await until(() => logs.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('Failed to load certificate: ')));
    assert.equal(await servedCn(ep.port), 'second.example');
  } finally {
    await ep.close();
  }
  assert.ok(logs.lines.some((l) => l.msg === 'Stopping file watcher'));
});

test('a pair that cannot be loaded at start is an error', async () => {
  const logs = new LogCapture();
  await assert.rejects(
    startBundleEndpoint({
      config: { address: '127.0.0.1', port: 0, refreshHintMs: 300_000, profile: { type: 'https_web', servingCertFile: { certFilePath: join(dir, 'nope.pem'), keyFilePath: join(dir, 'nope.key'), fileSyncIntervalMs: 50 } } },
      fetchBundle: async () => undefined,
      serverSvid: { state: () => undefined },
      log: logs.logger,
    }),
    /^SpireError: failed to load certificate: ENOENT/,
  );
});
