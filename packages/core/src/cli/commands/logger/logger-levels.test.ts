import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[] = []) => runAgainst(server.socketPath, words, rest, { cwd: server.dir });

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

// The texts of cmd/spire-server/cli/logger/{set,get}_test.go, from a real server.
test('logger set -level panic / logger get report panic, not fatal', async () => {
  assert.deepEqual(await run(['logger', 'set'], ['-level', 'panic']), { code: 0, stdout: 'Logger Level : panic\nLaunch Level : info\n\n', stderr: '' });
  assert.deepEqual(await run(['logger', 'get']), { code: 0, stdout: 'Logger Level : panic\nLaunch Level : info\n\n', stderr: '' });
  assert.deepEqual(await run(['logger', 'get'], ['-output', 'json']), { code: 0, stdout: '{"current_level":"PANIC","launch_level":"INFO"}\n', stderr: '' });
  assert.deepEqual(await run(['logger', 'set'], ['-level', 'fatal']), { code: 0, stdout: 'Logger Level : fatal\nLaunch Level : info\n\n', stderr: '' });
  assert.deepEqual(await run(['logger', 'reset']), { code: 0, stdout: 'Logger Level : info\nLaunch Level : info\n\n', stderr: '' });
});
