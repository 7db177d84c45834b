import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Code, type KeyManager } from './index.js';
import { captureLog, eventually, processGone } from './test-support/capture-log.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'spire-sdk-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A plugin script that only leaves a marker file behind when it runs. */
function markerPlugin(): { path: string; marker: string; sha: string } {
  const marker = join(dir, `ran-${Math.random().toString(16).slice(2)}`);
  const path = `${marker}.sh`;
  writeFileSync(path, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  chmodSync(path, 0o755);
  return { path, marker, sha: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

describe('plugin_checksum', () => {
  it('refuses a binary whose sha256 differs, showing both values, without running it', async () => {
    const { path, marker, sha } = markerPlugin();
    const wrong = 'ab'.repeat(32);
    await assert.rejects(loadPluginForTest({ type: 'KeyManager', name: 'ext', path, checksum: wrong }), {
      code: Code.FAILED_PRECONDITION,
      message: `keymanager(ext): failed to launch plugin: checksums did not match: plugin_checksum is ${wrong} but the sha256 of ${path} is ${sha}`,
    });
    assert.equal(existsSync(marker), false);
  });

  it('refuses a checksum that is not hex or not 64 characters at validation, before starting anything', async () => {
    const { path, marker } = markerPlugin();
    await assert.rejects(loadPluginForTest({ type: 'KeyManager', name: 'ext', path, checksum: 'xyz' }), {
      code: Code.INVALID_ARGUMENT,
      message: 'plugin KeyManager "ext": plugin_checksum: checksum is not a valid hex string',
    });
    await assert.rejects(loadPluginForTest({ type: 'KeyManager', name: 'ext', path, checksum: 'abcd' }), {
      code: Code.INVALID_ARGUMENT,
      message: 'plugin KeyManager "ext": plugin_checksum: expected checksum of length 64; got 4',
    });
    assert.equal(existsSync(marker), false);
  });

  it('runs a plugin without plugin_checksum after warning, as SPIRE does', async () => {
    const { log, records } = captureLog();
    const loaded = await loadPluginForTest<KeyManager>({ type: 'KeyManager', name: 'ext', path: testPluginPath('keymanager-plugin'), checksum: '', log });
    try {
      const warn = records.find((r) => r.msg === 'Plugin checksum not configured');
      assert.equal(warn?.level, 40);
      assert.equal(warn?.plugin_name, 'ext');
      assert.equal((await loaded.plugin.generateKey('k', 'ec-p256')).id, 'k');
      // The plugin's own log line (hclog JSON on its stderr) lands in the server log with its
      // level and fields, under the plugin's type and name.
      assert.ok(await eventually(() => records.some((r) => r.msg === 'Memory test key manager configured')));
      const own = records.find((r) => r.msg === 'Memory test key manager configured');
      assert.equal(own?.level, 30);
      assert.equal(own?.plugin_type, 'KeyManager');
      assert.equal(own?.plugin_name, 'ext');
      assert.equal(own?.subsystem_name, 'catalog');
      assert.equal(own?.crash_on_key_id, '');
    } finally {
      await loaded.close();
    }
  });
});

describe('a plugin that never completes the handshake', () => {
  it('times out with a clear error and is killed', async () => {
    const { log, records } = captureLog();
    const started = Date.now();
    await assert.rejects(
      loadPluginForTest({ type: 'KeyManager', name: 'ext', path: testPluginPath('silent-plugin'), startTimeoutMs: 400, log }),
      {
        code: Code.DEADLINE_EXCEEDED,
        message: 'keymanager(ext): failed to launch plugin: timeout while waiting for plugin to start (no handshake line on stdout after 400ms)',
      },
    );
    assert.ok(Date.now() - started < 5000);
    const spawned = records.find((r) => r.msg === 'Plugin process started');
    assert.equal(spawned?.plugin_name, 'ext');
    const pid = Number(spawned?.plugin_pid);
    assert.ok(pid > 0);
    assert.ok(processGone(pid), `plugin process ${pid} is still running`);
  });
});

describe('a plugin that handshakes but never serves', () => {
  it('times out on the health check with a clear error and is killed', async () => {
    const { log, records } = captureLog();
    await assert.rejects(
      loadPluginForTest({ type: 'KeyManager', name: 'ext', path: testPluginPath('dead-socket-plugin'), startTimeoutMs: 2000, log }),
      (err: { code: number; message: string }) => {
        assert.equal(err.code, Code.DEADLINE_EXCEEDED);
        assert.match(err.message, /^keymanager\(ext\): failed to launch plugin: no answer to the health check within 2000ms after the handshake \(.*ENOENT/);
        return true;
      },
    );
    const pid = Number(records.find((r) => r.msg === 'Plugin process started')?.plugin_pid);
    assert.ok(pid > 0);
    assert.ok(await eventually(() => processGone(pid)), `plugin process ${pid} is still running`);
  });
});

describe('a plugin that exits before the handshake', () => {
  it('fails loading with its exit status and logs its panic line as an error', async () => {
    const { log, records } = captureLog();
    await assert.rejects(loadPluginForTest({ type: 'KeyManager', name: 'ext', path: testPluginPath('exit-at-start-plugin'), log }), {
      code: Code.UNAVAILABLE,
      message:
        'keymanager(ext): failed to launch plugin: plugin exited before we could connect (exit status 2; last stderr line: "panic: cannot open required file")',
    });
    assert.ok(await eventually(() => records.some((r) => r.msg === 'panic: cannot open required file')));
    const line = records.find((r) => r.msg === 'panic: cannot open required file')!;
    assert.equal(line.level, 50);
    assert.equal(line.plugin_type, 'KeyManager');
    assert.equal(line.plugin_name, 'ext');
  });
});

describe('a plugin_cmd that cannot be executed', () => {
  it('names the file and the reason', async () => {
    const path = join(dir, 'not-executable');
    writeFileSync(path, 'data');
    await assert.rejects(loadPluginForTest({ type: 'KeyManager', name: 'ext', path }), (err: { code: number; message: string }) => {
      assert.equal(err.code, Code.INTERNAL);
      assert.match(err.message, new RegExp(`^keymanager\\(ext\\): failed to launch plugin: cannot start ${path}: EACCES`));
      return true;
    });
  });
});

describe('a plugin that crashes while serving', () => {
  it('logs the death, fails calls with UNAVAILABLE naming it, and turns healthy() false', async () => {
    const { log, records } = captureLog();
    const loaded = await loadPluginForTest<KeyManager>({
      type: 'KeyManager',
      name: 'ext',
      path: testPluginPath('keymanager-plugin'),
      data: 'crash_on_key_id = "boom"',
      log,
    });
    try {
      const [status] = loaded.externals.status();
      assert.equal(status?.running, true);
      assert.equal(loaded.externals.healthy(), true);
      await loaded.plugin.generateKey('fine', 'ec-p256');

      await assert.rejects(loaded.plugin.generateKey('boom', 'ec-p256'), (err: { code: number; message: string }) => {
        assert.equal(err.code, Code.UNAVAILABLE);
        assert.match(err.message, /^keymanager\(ext\): plugin (process is not running \(exit status 3\)|is unavailable: )/);
        return true;
      });
      assert.ok(await eventually(() => !loaded.externals.healthy()));
      assert.deepEqual(loaded.externals.status(), [
        { type: 'KeyManager', name: 'ext', pid: status!.pid, running: false, exit: 'exit status 3', essential: true },
      ]);
      await assert.rejects(loaded.plugin.getPublicKey('fine'), {
        code: Code.UNAVAILABLE,
        message: 'keymanager(ext): plugin process is not running (exit status 3)',
      });
      const death = records.find((r) => r.msg === 'Plugin process exited unexpectedly');
      assert.equal(death?.level, 50);
      assert.equal(death?.how, 'exit status 3');
      assert.equal(death?.plugin_name, 'ext');
      assert.equal(records.find((r) => r.msg === 'Essential plugin is gone; the server is not ready')?.level, 50);
    } finally {
      await loaded.close();
    }
    // Closing a dead plugin is quiet and complete.
    assert.equal(loaded.externals.status().length, 0);
  });
});
