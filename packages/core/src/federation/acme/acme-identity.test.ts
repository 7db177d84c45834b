import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Code } from '../../errors.js';
import { InProcessKeyManager } from '../../plugins/keymanager/in-process-key-manager.js';
import { AcmeIdentity } from './acme-identity.js';
import { recordingLogger } from './test-support/acme-harness.js';

/** Refusals decided from the ClientHello alone: no CA is contacted (the directory is unreachable). */
test('tlsFor refuses by SNI and ALPN before any ACME traffic, in autocert words', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spire-acme-unit-'));
  const { log, records } = recordingLogger();
  const id = new AcmeIdentity({
    config: { directoryUrl: 'https://127.0.0.1:1/dir', domainName: 'Bundle.Spire.Test.', email: '', tosAccepted: false, cacheDir: path.join(dir, 'bundle-acme') },
    keyManager: new InProcessKeyManager([]),
    log,
    version: '1.16.0',
  });
  try {
    await id.start();
    assert.deepEqual(
      records.map((r) => [r.level, r.msg, r.subsystem_name]),
      [[40, 'ACME Terms of Service have not been accepted. See the `tos_accepted` configurable', 'bundle_acme']],
    );
    const cases: [Parameters<AcmeIdentity['tlsFor']>[0], Code, string][] = [
      [{ alpnProtocols: ['http/1.1'] }, Code.INVALID_ARGUMENT, 'acme/autocert: missing server name'],
      [{ serverName: 'localhost.', alpnProtocols: [] }, Code.INVALID_ARGUMENT, 'acme/autocert: server name component count invalid'],
      [{ serverName: 'other.spire.test', alpnProtocols: [] }, Code.PERMISSION_DENIED, 'acme/autocert: host "other.spire.test" not configured in HostWhitelist'],
      [{ serverName: 'bundle.spire.test', alpnProtocols: ['acme-tls/1'] }, Code.NOT_FOUND, 'acme/autocert: no token cert for "bundle.spire.test"'],
    ];
    for (const [hello, code, message] of cases) await assert.rejects(id.tlsFor(hello), { code, message });
  } finally {
    await id.close();
    await id.close();
    await rm(dir, { recursive: true, force: true });
  }
});
