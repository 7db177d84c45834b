import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test-support/run-cli.js';
import { freePort, startRun, writeRunConf } from '../test-support/run-process.js';

const mode = (p: string): number => statSync(p).mode & 0o7777;

test('run leaves the modes of an existing socket directory and data_dir alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-dirs-'));
  // A shared socket directory (sticky, world-writable, like /tmp) and a group-readable data_dir.
  const shared = join(dir, 'shared');
  const dataDir = join(dir, 'data');
  mkdirSync(shared);
  mkdirSync(dataDir);
  chmodSync(shared, 0o1777);
  chmodSync(dataDir, 0o750);
  const paths = writeRunConf(dir, { port: await freePort(), dataDir, socketPath: join(shared, 'api.sock') });
  const server = await startRun(paths.conf);
  try {
    assert.equal(mode(shared), 0o1777);
    assert.equal(mode(dataDir), 0o750);
    assert.equal(mode(paths.socketPath), 0o770);
    assert.equal((await runCli(['healthcheck', '-socketPath', paths.socketPath])).stdout, 'Server is healthy.\n');
  } finally {
    assert.equal(await server.stop(), 0, server.output());
  }
  assert.equal(mode(shared), 0o1777);
  assert.equal(mode(dataDir), 0o750);
  rmSync(dir, { recursive: true, force: true });
});

test('run creates a missing socket directory 0750 and data_dir 0700, parents included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-dirs-'));
  const paths = writeRunConf(dir, { port: await freePort(), dataDir: join(dir, 'state', 'data'), socketPath: join(dir, 'run', 'private', 'api.sock') });
  const server = await startRun(paths.conf);
  try {
    assert.equal(mode(join(dir, 'state')), 0o700);
    assert.equal(mode(paths.dataDir), 0o700);
    assert.equal(mode(join(dir, 'run')), 0o750);
    assert.equal(mode(join(dir, 'run', 'private')), 0o750);
    assert.equal(mode(paths.socketPath), 0o770);
  } finally {
    assert.equal(await server.stop(), 0, server.output());
  }
  rmSync(dir, { recursive: true, force: true });
});
