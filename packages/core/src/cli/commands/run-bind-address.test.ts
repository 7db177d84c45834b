import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../test-support/run-cli.js';
import { freePort, writeRunConf } from '../test-support/run-process.js';

test('run refuses a bind_address that does not resolve before it writes data_dir, keys or the socket dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-bind-'));
  const paths = writeRunConf(dir, { port: 8081, bindAddress: 'nosuch.invalid' });
  const r = await runCli(['run', '-config', paths.conf]);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^\/.*\/server\.conf:5: server\.bind_address: could not resolve bind address "nosuch\.invalid:8081": lookup nosuch\.invalid: no such host$/m,
  );
  assert.equal(existsSync(paths.dataDir), false, 'data_dir was created');
  assert.equal(existsSync(dirname(paths.socketPath)), false, 'the socket directory was created');
  rmSync(dir, { recursive: true, force: true });
});

test('run refuses a bind_address it cannot listen on before it writes data_dir, keys or the socket dir', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-bind-'));
  // TEST-NET-1 resolves (it is an address) but is not on any interface here.
  const port = await freePort();
  const paths = writeRunConf(dir, { port, bindAddress: '192.0.2.1' });
  const r = await runCli(['run', '-config', paths.conf]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^Error: cannot listen on bind_address 192\\.0\\.2\\.1:${port}: cannot assign requested address$`, 'm'));
  assert.equal(existsSync(paths.dataDir), false, 'data_dir was created');
  assert.equal(existsSync(dirname(paths.socketPath)), false, 'the socket directory was created');
  rmSync(dir, { recursive: true, force: true });
});
