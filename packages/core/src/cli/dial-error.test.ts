import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-support/run-cli.js';
import { runInProcess } from './test-support/run-in-process.js';

// Expected outputs from upstream's test/clitest (AddrError for -socketPath /does-not-exist.sock):
// grpc-go hands its custom dialer "unix://" + the absolute path, so Go's net package reports
// three slashes.
const UPSTREAM_ADDR_ERROR =
  'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix ///does-not-exist.sock: connect: no such file or directory"\n';

test('a missing socket is reported in grpc-go words: "Error while dialing: dial unix ///<path>"', async () => {
  const r = await runCli(['entry', 'count', '-socketPath', '/does-not-exist.sock']);
  assert.deepEqual(r, { code: 1, stdout: '', stderr: `Error: ${UPSTREAM_ADDR_ERROR}` });
  for (const words of [['agent', 'list'], ['bundle', 'show'], ['logger', 'get'], ['localauthority', 'x509', 'show']]) {
    const rr = await runInProcess([...words, '-socketPath', '/does-not-exist.sock']);
    assert.equal(rr.code, 1, words.join(' '));
    assert.match(rr.stderr, /^Error: (.+: )?rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix \/\/\/does-not-exist\.sock: connect: no such file or directory"\n$/, words.join(' '));
  }
});

test('a relative socket path is dialled as given (grpc-go passes "unix:<relative>")', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-dial-'));
  try {
    const r = await runInProcess(['bundle', 'count', '-socketPath', 'rel.sock'], { cwd: dir });
    assert.equal(r.stderr.includes('dial unix rel.sock: connect: no such file or directory"'), true, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale socket file reports connection refused with the same wording', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-dial-'));
  const sock = join(dir, 'stale.sock');
  try {
    execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.exit(0))`]);
    const r = await runInProcess(['entry', 'count', '-socketPath', sock]);
    assert.deepEqual(r, {
      code: 1,
      stdout: '',
      stderr: `Error: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix //${sock}: connect: connection refused"\n`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('healthcheck -verbose with no server prints upstream\'s "Failed to check health: <grpc-go error>"', async () => {
  const r = await runCli(['healthcheck', '-socketPath', '/does-not-exist.sock', '-verbose']);
  assert.deepEqual(r, {
    code: 1,
    stdout: 'Checking server health...\n',
    stderr: `Failed to check health: ${UPSTREAM_ADDR_ERROR}Error: server is unhealthy: unable to determine health\n`,
  });
  const quiet = await runInProcess(['healthcheck', '-socketPath', '/does-not-exist.sock']);
  assert.deepEqual(quiet, { code: 1, stdout: '', stderr: 'Error: server is unhealthy: unable to determine health\n' });
});
