import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Code, type Notifier } from '@spire-ts/plugin-sdk';
import { loadPluginForTest } from '@spire-ts/plugin-sdk/testing';
import { bundleWithCerts, pemSubjects, tempDir } from './test-support.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const main = fileURLToPath(new URL('./main.js', import.meta.url));
chmodSync(main, 0o755);

describe('bundle_file served as an external plugin (plugin_cmd)', () => {
  it('is loaded by the server, configured from HCL, and writes the bundle', async () => {
    const path = join(dir, 'external.pem');
    const loaded = await loadPluginForTest<Notifier>({ type: 'Notifier', name: 'bundle_file', path: main, data: `bundle_path = "${path}"` });
    try {
      await loaded.plugin.notifyAndAdviseBundleLoaded(bundleWithCerts(dir, 1));
      assert.deepEqual(pemSubjects(path), ['CN=test-ca-0']);
    } finally {
      await loaded.close();
    }
  });

  it('reports plugin_data problems at load time, prefixed with the plugin name', async () => {
    await assert.rejects(loadPluginForTest({ type: 'Notifier', name: 'bundle_file', path: main, data: 'file_mode = "9"' }), {
      code: Code.INVALID_ARGUMENT,
      message: 'notifier(bundle_file): invalid configuration: bundle_path is required; file_mode must be an octal mode such as "0644"',
    });
  });

  it('explains itself and exits 1 when run by hand', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(main, [], (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }));
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^This program is a SPIRE server Notifier plugin \("bundle_file"\)\. It is not meant to be run directly/);
  });
});
