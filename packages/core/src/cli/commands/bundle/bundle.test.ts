import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runInProcess } from '../../test-support/run-in-process.js';
import { runAgainst } from '../../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) => runAgainst(server.socketPath, words, rest, { ...opts, cwd: server.dir });
// Long tables of error cases run in-process after their first case went through bin/spire-server.
const local = (words: string[], rest: string[] = [], opts: { stdin?: string } = {}) =>
  runInProcess([...words, '-socketPath', server.socketPath, ...rest], { ...opts, cwd: server.dir });
let otherPem = '';

before(async () => {
  server = await startTestServer();
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=other root', '-days', '2', '-keyout', 'other.key', '-out', 'other.pem'], { cwd: server.dir, stdio: 'ignore' });
  otherPem = readFileSync(join(server.dir, 'other.pem'), 'utf8');
});
after(async () => {
  await server?.stop();
});

test('bundle show prints the server CA as PEM that openssl reads', async () => {
  const r = await run(['bundle', 'show']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  writeFileSync(join(server.dir, 'own.pem'), r.stdout);
  const san = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName,basicConstraints', '-in', 'own.pem'], { cwd: server.dir, encoding: 'utf8' });
  assert.match(san, /URI:spiffe:\/\/example\.org\b/);
  assert.match(san, /CA:TRUE/);
});

test('bundle show -format spiffe prints the JWKS go-spiffe writes (key order, 4-space indent)', async () => {
  const r = await run(['bundle', 'show'], ['-format', 'spiffe']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { keys: Array<Record<string, unknown>>; spiffe_sequence: number };
  assert.deepEqual(Object.keys(doc), ['keys', 'spiffe_sequence']);
  assert.deepEqual(Object.keys(doc.keys[0]!), ['use', 'kty', 'crv', 'x', 'y', 'x5c']);
  assert.deepEqual(Object.keys(doc.keys[1]!), ['use', 'kty', 'kid', 'crv', 'x', 'y']);
  assert.equal(doc.keys[0]!.use, 'x509-svid');
  assert.equal(doc.keys[1]!.use, 'jwt-svid');
  assert.equal(r.stdout, `${JSON.stringify(doc, null, 4)}\n`);
  const pem = (await run(['bundle', 'show'])).stdout;
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----|\n/g, ''), 'base64').toString('base64');
  assert.deepEqual(doc.keys[0]!.x5c, [der]);
  const bad = await run(['bundle', 'show'], ['-format', 'der']);
  assert.deepEqual(bad, { code: 1, stdout: '', stderr: 'Error: invalid format: "der"\n' });
});

test('bundle set (PEM from -path and stdin, SPIFFE format), list, count, delete', async () => {
  assert.deepEqual(await run(['bundle', 'set'], ['-id', 'spiffe://other.org', '-path', 'other.pem']), { code: 0, stdout: 'bundle set.\n', stderr: '' });
  assert.deepEqual(await run(['bundle', 'set'], ['-id', 'spiffe://third.org'], { stdin: otherPem }), { code: 0, stdout: 'bundle set.\n', stderr: '' });
  const jwks = (await run(['bundle', 'show'], ['-format', 'spiffe'])).stdout;
  writeFileSync(join(server.dir, 'fourth.json'), jwks);
  assert.deepEqual(await run(['bundle', 'set'], ['-id', 'spiffe://fourth.org', '-path', 'fourth.json', '-format', 'spiffe']), { code: 0, stdout: 'bundle set.\n', stderr: '' });
  assert.equal((await run(['bundle', 'list'], ['-id', 'spiffe://fourth.org', '-format', 'spiffe'])).stdout, jwks);
  assert.equal((await run(['bundle', 'count'])).stdout, '4 bundles\n');
  const list = await run(['bundle', 'list']);
  const header = (td: string) => `****************************************\n* ${td}\n****************************************\n`;
  const fourthPem = (await run(['bundle', 'show'])).stdout;
  // In the order the server lists them (creation order).
  assert.equal(list.stdout, `${header('other.org')}${otherPem}\n${header('third.org')}${otherPem}\n${header('fourth.org')}${fourthPem}`);
  assert.equal((await run(['bundle', 'list'], ['-id', 'spiffe://other.org'])).stdout, otherPem);
  assert.deepEqual(await run(['bundle', 'delete'], ['-id', 'spiffe://third.org']), { code: 0, stdout: 'bundle deleted.\n', stderr: '' });
  assert.equal((await run(['bundle', 'count'])).stdout, '3 bundles\n');
});

test('bundle delete -mode: restrict refuses while entries federate; dissociate keeps the entries', async () => {
  const created = await run(['entry', 'create'], ['-entryID', 'fed-1', '-parentID', 'spiffe://example.org/a', '-spiffeID', 'spiffe://example.org/fed', '-selector', 'a:b', '-federatesWith', 'spiffe://other.org']);
  assert.equal(created.code, 0, created.stderr);
  const restricted = await run(['bundle', 'delete'], ['-id', 'spiffe://other.org']);
  assert.equal(restricted.code, 1);
  assert.match(restricted.stderr, /^Error: failed to delete federated bundle "other\.org": .+\n$/);
  assert.deepEqual(await run(['bundle', 'delete'], ['-id', 'spiffe://other.org', '-mode', 'dissociate']), { code: 0, stdout: 'bundle deleted.\n', stderr: '' });
  const entry = await run(['entry', 'show'], ['-entryID', 'fed-1']);
  assert.doesNotMatch(entry.stdout, /FederatesWith/);
  assert.deepEqual(await run(['bundle', 'delete'], ['-id', 'spiffe://other.org', '-mode', 'erase']), { code: 1, stdout: '', stderr: 'Error: unsupported mode "erase"\n' });
});

test('bundle errors: missing -id, unreadable path, data that is not PEM, unknown bundle', async () => {
  writeFileSync(join(server.dir, 'junk.pem'), 'not a certificate');
  const cases: Array<[string[], string[], string]> = [
    [['bundle', 'set'], ['-path', 'other.pem'], 'id flag is required'],
    [['bundle', 'set'], ['-id', 'spiffe://x.org', '-path', 'missing.pem'], 'unable to load bundle data: open missing.pem: no such file or directory'],
    [['bundle', 'set'], ['-id', 'spiffe://x.org', '-path', 'junk.pem'], 'unable to parse bundle data: no PEM blocks'],
    [['bundle', 'set'], ['-id', 'spiffe://x.org', '-path', 'junk.pem', '-format', 'spiffe'], "unable to parse to spiffe bundle: spiffebundle: unable to parse JWKS: invalid character 'o' in literal null (expecting 'u')"],
    [['bundle', 'delete'], [], 'id is required'],
    [['bundle', 'list'], ['-id', 'spiffe://nowhere.org'], 'rpc error: code = NotFound desc = bundle not found'],
  ];
  for (const [i, [words, args, msg]] of cases.entries()) {
    const r = await (i === 0 ? run : local)(words, args);
    assert.deepEqual(r, { code: 1, stdout: '', stderr: `Error: ${msg}\n` }, args.join(' '));
  }
});
