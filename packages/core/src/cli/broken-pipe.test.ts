import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { endOnBrokenPipe } from './broken-pipe.js';
import { startTestServer, type TestServer } from './test-support/api-server.js';
import { BIN } from './test-support/run-cli.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

/**
 * Runs the real CLI with the reading end of its stdout closed before it writes anything (as
 * `| head -0` or a reader that is already gone), so every write it makes meets a broken pipe.
 */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: server.dir, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const sock = () => ['-socketPath', server.socketPath];

test('a command whose stdout reader is gone ends quietly with the SIGPIPE status (128 + 13)', async () => {
  for (const args of [
    ['localauthority', 'jwt', 'prepare', ...sock()],
    ['localauthority', 'x509', 'show', ...sock()],
    ['bundle', 'show', ...sock()],
    ['entry', 'show', ...sock()],
    ['healthcheck', ...sock()],
    ['token', 'generate', '-output', 'json', ...sock()],
  ]) {
    const r = await runIntoClosedPipe(args);
    assert.deepEqual(r, { code: 141, stderr: '' }, `spire-server ${args.join(' ')}`);
  }
});

test('a command that runs without a server ends quietly too', async () => {
  const conf = join(server.dir, 'valid.conf');
  writeFileSync(conf, `server {\n  trust_domain = "example.org"\n  data_dir = "${server.dir}/v"\n}\nplugins {\n  DataStore "sql" {\n    plugin_data {\n      database_type = "sqlite3"\n      connection_string = "${server.dir}/v/ds.sqlite3"\n    }\n  }\n  KeyManager "memory" {\n    plugin_data {}\n  }\n}\n`);
  const r = await runIntoClosedPipe(['validate', '-config', conf]);
  assert.deepEqual(r, { code: 141, stderr: '' });
});

test('endOnBrokenPipe ends with 141 on EPIPE and leaves other stream errors thrown', () => {
  const ends: number[] = [];
  const stream = new PassThrough();
  endOnBrokenPipe([stream], (code) => ends.push(code));
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  assert.deepEqual(ends, [141]);
  assert.throws(() => stream.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' })), /write EIO/);
});
