import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-support/run-cli.js';
import { freePort, startRun, writeRunConf } from '../test-support/run-process.js';

test('a second run on the socket_path of a live server is refused and the first stays manageable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-twice-'));
  const paths = writeRunConf(dir, { port: await freePort() });
  const first = await startRun(paths.conf);
  try {
    const socketIno = statSync(paths.socketPath).ino;
    const keys = readFileSync(paths.keysPath, 'utf8');
    const inUse = `Error: socket_path "${paths.socketPath}" is in use by a running server; stop that server or set another socket_path\n`;

    // The same config: the same socket and the same (busy) TCP port.
    const same = await runCli(['run', '-config', paths.conf]);
    assert.equal(same.code, 1);
    assert.ok(same.stderr.endsWith(inUse), same.stderr);

    // Another TCP port that is free: the socket alone must stop it.
    const other = await runCli(['run', '-config', paths.conf, '-serverPort', String(await freePort())]);
    assert.equal(other.code, 1);
    assert.ok(other.stderr.endsWith(inUse), other.stderr);

    // The first server still owns its socket and answers on it; the second wrote no keys.
    assert.equal(statSync(paths.socketPath).ino, socketIno);
    const health = await runCli(['healthcheck', '-socketPath', paths.socketPath]);
    assert.deepEqual([health.code, health.stdout], [0, 'Server is healthy.\n']);
    const bundle = await runCli(['bundle', 'show', '-socketPath', paths.socketPath]);
    assert.equal(bundle.code, 0, bundle.stderr);
    assert.equal(readFileSync(paths.keysPath, 'utf8'), keys);
  } finally {
    assert.equal(await first.stop(), 0, first.output());
  }
  rmSync(dir, { recursive: true, force: true });
});

test('run removes a stale socket file left by a server that is gone, and serves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-twice-'));
  const paths = writeRunConf(dir, { port: await freePort() });
  // SIGKILL leaves the socket file behind with nobody listening on it.
  const killed = await startRun(paths.conf);
  assert.equal(await killed.kill(), null);
  assert.equal(statSync(paths.socketPath).isSocket(), true);
  const again = await startRun(paths.conf);
  try {
    const health = await runCli(['healthcheck', '-socketPath', paths.socketPath]);
    assert.deepEqual([health.code, health.stdout], [0, 'Server is healthy.\n']);
  } finally {
    assert.equal(await again.stop(), 0, again.output());
  }
  rmSync(dir, { recursive: true, force: true });
});
