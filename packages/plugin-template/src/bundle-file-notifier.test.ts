import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Code, silentLogger } from '@spire-ts/plugin-sdk';
import { BundleFileNotifier } from './bundle-file-notifier.js';
import { bundleWithCerts, pemSubjects, tempDir } from './test-support.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('BundleFileNotifier (in process)', () => {
  it('writes every X.509 authority as PEM that openssl reads, with the configured mode', async () => {
    const path = join(dir, 'bundle.pem');
    const n = new BundleFileNotifier({ bundlePath: path, fileMode: 0o600 }, silentLogger());
    await n.notifyAndAdviseBundleLoaded(bundleWithCerts(dir, 2));
    assert.deepEqual(pemSubjects(path), ['CN=test-ca-0', 'CN=test-ca-1']);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(existsSync(`${path}.tmp-${process.pid}`), false);
  });

  it('refuses a bundle without X.509 authorities and keeps the previous file', async () => {
    const path = join(dir, 'kept.pem');
    const n = new BundleFileNotifier({ bundlePath: path, fileMode: 0o644 }, silentLogger());
    await n.notifyBundleUpdated(bundleWithCerts(dir, 1));
    await assert.rejects(n.notifyBundleUpdated({ trustDomain: 'example.org', x509Authorities: [], jwtAuthorities: [], refreshHint: 0, sequenceNumber: 2 }), {
      code: Code.FAILED_PRECONDITION,
      message: 'bundle for "example.org" has no X.509 authorities to write',
    });
    assert.deepEqual(pemSubjects(path), ['CN=test-ca-0']);
  });

  it('reports a file it cannot write as INTERNAL naming the path', async () => {
    const path = join(dir, 'missing-dir', 'bundle.pem');
    const n = new BundleFileNotifier({ bundlePath: path, fileMode: 0o644 }, silentLogger());
    await assert.rejects(n.notifyBundleUpdated(bundleWithCerts(dir, 1)), (err: { code: number; message: string }) => {
      assert.equal(err.code, Code.INTERNAL);
      assert.match(err.message, new RegExp(`^failed to write bundle to ${path}: ENOENT`));
      return true;
    });
  });
});
