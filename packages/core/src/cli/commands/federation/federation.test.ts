import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runInProcess } from '../../test-support/run-in-process.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) => runAgainst(server.socketPath, words, rest, { ...opts, cwd: server.dir });
// Long tables of error cases run in-process after their first case went through bin/spire-server.
const local = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) =>
  runInProcess([...words, '-socketPath', server.socketPath, ...rest], { ...opts, cwd: server.dir });

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

const web = (td: string, url: string) => `Trust domain              : ${td}\nBundle endpoint URL       : ${url}\nBundle endpoint profile   : https_web\n`;
const spiffe = (td: string, url: string, id: string) =>
  `Trust domain              : ${td}\nBundle endpoint URL       : ${url}\nBundle endpoint profile   : https_spiffe\nEndpoint SPIFFE ID        : ${id}\n`;

test('federation create from flags, then from -data (SPIRE JSON form), with a failure per item', async () => {
  const r = await run(['federation', 'create'], ['-trustDomain', 'web.org', '-bundleEndpointURL', 'https://web.org/bundle', '-bundleEndpointProfile', 'https_web']);
  assert.deepEqual(r, { code: 0, stdout: `\n${web('web.org', 'https://web.org/bundle')}`, stderr: '' });
  writeFileSync(
    join(server.dir, 'rels.json'),
    JSON.stringify({
      federationRelationships: [
        { trustDomain: 'spiffe.org', bundleEndpointURL: 'https://spiffe.org:8443', bundleEndpointProfile: 'https_spiffe', endpointSPIFFEID: 'spiffe://spiffe.org/spire/server' },
        { trustDomain: 'web.org', bundleEndpointURL: 'https://web.org/other', bundleEndpointProfile: 'https_web' },
      ],
    }),
  );
  const d = await run(['federation', 'create'], ['-data', 'rels.json']);
  assert.equal(d.code, 1);
  assert.equal(d.stdout, `\n${spiffe('spiffe.org', 'https://spiffe.org:8443', 'spiffe://spiffe.org/spire/server')}\n`);
  assert.match(d.stderr, /^Failed to create the following federation relationship \(code: AlreadyExists, msg: "[^\n]*"\):\n/);
  assert.ok(d.stderr.endsWith(`${web('web.org', 'https://web.org/other')}Error: failed to create one or more federation relationships\n`), d.stderr);
});

test('federation list, show (pretty and json), update, refresh, delete', async () => {
  const list = await run(['federation', 'list']);
  assert.equal(list.stdout, `Found 2 federation relationships\n\n${web('web.org', 'https://web.org/bundle')}\n${spiffe('spiffe.org', 'https://spiffe.org:8443', 'spiffe://spiffe.org/spire/server')}`);
  const show = await run(['federation', 'show'], ['-trustDomain', 'spiffe.org']);
  assert.equal(show.stdout, `Found a federation relationship with trust domain spiffe.org:\n\n${spiffe('spiffe.org', 'https://spiffe.org:8443', 'spiffe://spiffe.org/spire/server')}`);
  const json = await run(['federation', 'show'], ['-trustDomain', 'web.org', '-output', 'json']);
  assert.equal(json.stdout, '{"bundle_endpoint_url":"https://web.org/bundle","https_web":{},"trust_domain":"web.org"}\n');
  const upd = await run(['federation', 'update'], ['-trustDomain', 'web.org', '-bundleEndpointURL', 'https://127.0.0.1:9/v2', '-bundleEndpointProfile', 'https_web']);
  assert.deepEqual(upd, { code: 0, stdout: `\n${web('web.org', 'https://127.0.0.1:9/v2')}`, stderr: '' });
  const refreshed = await run(['federation', 'refresh'], ['-id', 'web.org']);
  if ((process.env.SPIRE_CLI_TEST_SERVER ?? 'run') === 'run') {
    // The real server fetches the endpoint; nothing listens on loopback port 9, so it fails.
    assert.deepEqual(refreshed, { code: 1, stdout: '', stderr: refreshed.stderr });
    assert.match(refreshed.stderr, /^Error: failed to refresh bundle: rpc error: code = Internal desc = failed to refresh bundle: .*127\.0\.0\.1:9/);
  } else {
    assert.deepEqual(refreshed, { code: 0, stdout: 'Bundle refreshed\n', stderr: '' });
  }
  assert.deepEqual(await run(['federation', 'refresh'], ['-id', 'none.org']), { code: 1, stdout: '', stderr: 'Error: there is no federation relationship with trust domain "none.org"\n' });
  assert.deepEqual(await run(['federation', 'delete'], ['-id', 'web.org']), { code: 0, stdout: 'federation relationship deleted.\n', stderr: '' });
  const del = await run(['federation', 'delete'], ['-id', 'web.org']);
  assert.equal(del.code, 1);
  assert.match(del.stderr, /^Error: failed to delete federation relationship "web\.org": .+\n$/);
  assert.equal((await run(['federation', 'list'])).stdout, `Found 1 federation relationship\n\n${spiffe('spiffe.org', 'https://spiffe.org:8443', 'spiffe://spiffe.org/spire/server')}`);
});

test('federation errors: missing fields, profile, -data with other flags, bad JSON, unreadable bundle', async () => {
  writeFileSync(join(server.dir, 'bad.json'), '{"federationRelationships": [}');
  writeFileSync(join(server.dir, 'noprofile.json'), '{"federationRelationships": [{"trustDomain": "x.org", "bundleEndpointURL": "https://x.org"}]}');
  const cases: Array<[string[], string]> = [
    [['-bundleEndpointURL', 'https://x.org'], 'trust domain is required'],
    [['-trustDomain', 'x.org'], 'bundle endpoint URL is required'],
    [['-trustDomain', 'x.org', '-bundleEndpointURL', 'https://x.org', '-bundleEndpointProfile', 'ftp'], 'unknown bundle endpoint profile type: "ftp"'],
    [['-trustDomain', 'x.org', '-bundleEndpointURL', 'https://x.org', '-bundleEndpointProfile', 'https_spiffe'], "endpoint SPIFFE ID is required if 'https_spiffe' endpoint profile is set"],
    [['-trustDomain', 'x.org', '-bundleEndpointURL', 'https://x.org', '-bundleEndpointProfile', 'https_web', '-trustDomainBundlePath', 'nope.pem'], 'cannot read bundle file: open nope.pem: no such file or directory'],
    [['-data', 'bad.json'], "failed to parse JSON: invalid character '}' looking for beginning of value"],
    [['-data', 'noprofile.json'], 'could not parse item 0: unknown bundle endpoint profile type: ""'],
    [['-data', 'bad.json', '-trustDomain', 'x.org'], "cannot use other flags to specify relationship fields when 'data' flag is set"],
    [['-data', 'gone.json'], 'open gone.json: no such file or directory'],
  ];
  for (const [i, [args, msg]] of cases.entries()) {
    assert.deepEqual(await (i === 0 ? run : local)(['federation', 'create'], args), { code: 1, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '));
  }
  assert.deepEqual(await run(['federation', 'show']), { code: 1, stdout: '', stderr: 'Error: a trust domain name is required\n' });
  assert.deepEqual(await run(['federation', 'refresh']), { code: 1, stdout: '', stderr: 'Error: id is required\n' });
});
