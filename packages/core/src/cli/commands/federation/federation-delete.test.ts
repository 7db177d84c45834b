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

// SPIRE's server answers a delete with the trust domain's name (`td-1.org`), whatever form the
// caller gave (cmd/spire-server/cli/federation/delete_test.go expects exactly this JSON).
test('federation delete echoes the trust domain name, not the SPIFFE ID it was given', async () => {
  const made = await run(['federation', 'create'], ['-trustDomain', 'td-1.org', '-bundleEndpointURL', 'https://td-1.org/bundle', '-bundleEndpointProfile', 'https_web']);
  assert.equal(made.code, 0, made.stderr);
  assert.deepEqual(await run(['federation', 'delete'], ['-id', 'spiffe://td-1.org', '-output', 'json']), {
    code: 0,
    stdout: '{"results":[{"status":{"code":0,"message":"OK"},"trust_domain":"td-1.org"}]}\n',
    stderr: '',
  });
  assert.deepEqual(await run(['federation', 'delete'], ['-id', 'spiffe://td-1.org']), {
    code: 1,
    stdout: '',
    stderr: 'Error: failed to delete federation relationship "td-1.org": federation relationship not found\n',
  });
  // A trust domain that does not parse is echoed as given.
  const bad = await run(['federation', 'delete'], ['-id', 'spiffe://Bad TD', '-output', 'json']);
  assert.equal(bad.code, 0, bad.stderr);
  assert.match(bad.stdout, /^\{"results":\[\{"status":\{"code":3,"message":"failed to parse trust domain: [^"]+"\},"trust_domain":"spiffe:\/\/Bad TD"\}\]\}\n$/);
});
