import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../test-support/api-server.js';
import { runAgainst, runCli } from '../test-support/run-cli.js';

let server: TestServer;
const run = (words: string[], rest: string[] = []) => runAgainst(server.socketPath, words, rest, { cwd: server.dir });

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

test('token generate prints the token and warns without -spiffeID', async () => {
  const r = await run(['token', 'generate'], ['-ttl', '60']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Token: [0-9a-f-]{36}\nWarning: Missing SPIFFE ID\.\n$/);
  const withId = await run(['token', 'generate'], ['-spiffeID', 'spiffe://example.org/host/1']);
  assert.match(withId.stdout, /^Token: [0-9a-f-]{36}\n$/);
  const json = JSON.parse((await run(['token', 'generate'], ['-output', 'json'])).stdout) as { value: string; expires_at: string };
  assert.match(json.expires_at, /^\d+$/);
  const bad = await run(['token', 'generate'], ['-ttl', 'ten']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^invalid value "ten" for flag -ttl: parse error\nUsage of generate:\n/);
});

test('logger get, set, reset', async () => {
  assert.equal((await run(['logger', 'get'])).stdout, 'Logger Level : info\nLaunch Level : info\n\n');
  assert.equal((await run(['logger', 'set'], ['-level', 'WARN'])).stdout, 'Logger Level : warning\nLaunch Level : info\n\n');
  assert.equal((await run(['logger', 'get'], ['-output', 'json'])).stdout, '{"current_level":"WARN","launch_level":"INFO"}\n');
  assert.equal((await run(['logger', 'reset'])).stdout, 'Logger Level : info\nLaunch Level : info\n\n');
  assert.deepEqual(await run(['logger', 'set']), { code: 1, stdout: '', stderr: 'Error: a value (-level) must be set\n' });
  assert.deepEqual(await run(['logger', 'set'], ['-level', 'loud']), { code: 1, stdout: '', stderr: 'Error: the value "loud" is not a valid setting\n' });
});

test('localauthority x509: show, prepare, activate, taint, revoke', async () => {
  const show = await run(['localauthority', 'x509', 'show']);
  const active = /Active X\.509 authority:\n {2}Authority ID: ([\w-]+)\n {2}Expires at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n {2}Upstream authority ID: No upstream authority\n\nPrepared X\.509 authority:\n {2}No prepared X\.509 authority found\n\nOld X\.509 authority:\n {2}No old X\.509 authority found\n$/.exec(show.stdout);
  assert.ok(active, show.stdout);
  const prep = await run(['localauthority', 'x509', 'prepare']);
  const prepared = /^Prepared X\.509 authority:\n {2}Authority ID: ([\w-]+)\n {2}Expires at: .+ UTC\n {2}Upstream authority ID: No upstream authority\n$/.exec(prep.stdout);
  assert.ok(prepared, prep.stdout);
  const act = await run(['localauthority', 'x509', 'activate'], ['-authorityID', prepared[1]!]);
  assert.match(act.stdout, new RegExp(`^Activated X\\.509 authority:\\n {2}Authority ID: ${prepared[1]}\\n`));
  const taint = await run(['localauthority', 'x509', 'taint'], ['-authorityID', active[1]!]);
  assert.match(taint.stdout, new RegExp(`^Tainted X\\.509 authority:\\n {2}Authority ID: ${active[1]}\\n`));
  const revoke = await run(['localauthority', 'x509', 'revoke'], ['-authorityID', active[1]!]);
  assert.match(revoke.stdout, new RegExp(`^Revoked X\\.509 authority:\\n {2}Authority ID: ${active[1]}\\n`));
  assert.deepEqual(await run(['localauthority', 'x509', 'activate']), { code: 1, stdout: '', stderr: 'Error: an authority ID is required\n' });
  const wrong = await run(['localauthority', 'x509', 'activate'], ['-authorityID', 'abc']);
  assert.deepEqual(wrong, { code: 1, stdout: '', stderr: 'Error: could not activate X.509 authority: rpc error: code = InvalidArgument desc = unexpected authority ID\n' });
});

test('localauthority jwt show and prepare; upstreamauthority needs an upstream authority', async () => {
  const show = await run(['localauthority', 'jwt', 'show']);
  assert.match(show.stdout, /^Active JWT authority:\n {2}Authority ID: [\w-]+\n {2}Expires at: .+ UTC\n\nPrepared JWT authority:\n {2}No prepared JWT authority found\n\nOld JWT authority:\n {2}No old JWT authority found\n$/);
  const json = JSON.parse((await run(['localauthority', 'jwt', 'prepare'], ['-output', 'json'])).stdout) as { prepared_authority: Record<string, string> };
  assert.deepEqual(Object.keys(json.prepared_authority), ['authority_id', 'expires_at', 'upstream_authority_subject_key_id']);
  assert.deepEqual(await run(['upstreamauthority', 'taint']), { code: 1, stdout: '', stderr: 'Error: the Subject Key ID of the X.509 upstream authority is required\n' });
  assert.deepEqual(await run(['upstreamauthority', 'revoke'], ['-subjectKeyID', 'ab']), {
    code: 1,
    stdout: '',
    stderr: 'Error: could not revoke X.509 upstream authority: rpc error: code = FailedPrecondition desc = upstream authority is not configured\n',
  });
});

test('x509 mint -write writes an SVID that openssl verifies against the written bundle', async () => {
  const r = await run(['x509', 'mint'], ['-spiffeID', 'spiffe://example.org/minted', '-dns', 'minted.example.org', '-write', '.']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'X509-SVID written to svid.pem\nPrivate key written to key.pem\nRoot CAs written to bundle.pem\n');
  assert.equal(statSync(join(server.dir, 'key.pem')).mode & 0o777, 0o600);
  const out = execFileSync('openssl', ['verify', '-CAfile', 'bundle.pem', 'svid.pem'], { cwd: server.dir, encoding: 'utf8' });
  assert.equal(out, 'svid.pem: OK\n');
  const text = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', 'svid.pem'], { cwd: server.dir, encoding: 'utf8' });
  assert.match(text, /DNS:minted\.example\.org/);
  assert.match(text, /URI:spiffe:\/\/example\.org\/minted/);
  const keyCheck = execFileSync('openssl', ['pkey', '-in', 'key.pem', '-pubout'], { cwd: server.dir, encoding: 'utf8' });
  const certKey = execFileSync('openssl', ['x509', '-in', 'svid.pem', '-noout', '-pubkey'], { cwd: server.dir, encoding: 'utf8' });
  assert.equal(keyCheck, certKey);
});

test('x509 mint to stdout (pretty and json) and its errors', async () => {
  const r = await run(['x509', 'mint'], ['-spiffeID', 'spiffe://example.org/minted']);
  assert.match(r.stdout, /^X509-SVID:\n-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n\nPrivate key:\n-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n\nRoot CAs:\n-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n\n$/);
  const json = JSON.parse((await run(['x509', 'mint'], ['-spiffeID', 'spiffe://example.org/minted', '-output', 'json'])).stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['x509_svid', 'private_key', 'root_cas']);
  assert.deepEqual(await run(['x509', 'mint']), { code: 1, stdout: '', stderr: 'Error: spiffeID must be specified\n' });
  const badTtl = await run(['x509', 'mint'], ['-spiffeID', 'spiffe://example.org/m', '-ttl', '5']);
  assert.equal(badTtl.code, 1);
  assert.match(badTtl.stderr, /^invalid value "5" for flag -ttl: parse error\nUsage of x509 mint:\n {2}-dns value\n/);
});

test('jwt mint prints a token whose signature verifies with the bundle\'s JWT key', async () => {
  const r = await run(['jwt', 'mint'], ['-spiffeID', 'spiffe://example.org/jwt', '-audience', 'aud1', '-audience', 'aud2', '-ttl', '2m']);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { kid: string };
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { sub: string; aud: string[] };
  assert.equal(claims.sub, 'spiffe://example.org/jwt');
  assert.deepEqual(claims.aud, ['aud1', 'aud2']);
  const jwks = JSON.parse((await run(['bundle', 'show'], ['-format', 'spiffe'])).stdout) as { keys: Array<{ kid?: string }> };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, 'the token kid is in the bundle');
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url')));
  const write = await run(['jwt', 'mint'], ['-spiffeID', 'spiffe://example.org/jwt', '-audience', 'a', '-write', 'token.jwt']);
  assert.deepEqual(write, { code: 0, stdout: 'JWT-SVID written to token.jwt\n', stderr: '' });
  assert.match(readFileSync(join(server.dir, 'token.jwt'), 'utf8'), /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.deepEqual(await run(['jwt', 'mint'], ['-spiffeID', 'spiffe://example.org/jwt']), { code: 1, stdout: '', stderr: 'Error: at least one audience must be specified\n' });
});

test('debug getinfo', async () => {
  const r = await run(['debug', 'getinfo']);
  assert.match(r.stdout, /^Server Debug Info:\n {2}Uptime: {18}\d+(m\d+)?s\n {2}Registered Agents: {7}0\n {2}Registration Entries: {4}\d+\n {2}Federated Bundles: {7}\d+\n( {2}SVID Chain:\n( {4}\[\d\] SPIFFE ID: {2}spiffe:\/\/example\.org\/spire\/server\n {8}Subject: {4}.+\n {8}Expires At: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n)+)?$/);
});

test('a server that is down: the error names the socket', async () => {
  const sock = join(server.dir, 'nobody-home.sock');
  for (const words of [['entry', 'show'], ['agent', 'list'], ['bundle', 'show'], ['logger', 'get']]) {
    const r = await runCli([...words, '-socketPath', sock]);
    assert.equal(r.code, 1, words.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^Error: (error fetching entries: |error fetching logger: )?rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix //${sock.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: connect: no such file or directory"\\n$`), words.join(' '));
  }
});

test('a server that stopped and left its socket file: connection refused, naming the socket', async () => {
  const sock = join(server.dir, 'stale.sock');
  // A listener that exits without unlinking leaves the socket file behind, as a crashed server does.
  execFileSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.exit(0))`]);
  const r = await runCli(['entry', 'count', '-socketPath', sock]);
  assert.deepEqual(r, {
    code: 1,
    stdout: '',
    stderr: `Error: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix //${sock}: connect: connection refused"\n`,
  });
});

test('socket selection: -instance needs the template; the env socket is used when -socketPath is not given', async () => {
  const r = await runCli(['entry', 'count', '-instance', 'a'], { env: { SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE: '' } });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'Error: you must define SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE to use the instance flag\n' });
  const viaEnv = await runCli(['bundle', 'count'], { env: { SPIRE_SERVER_PRIVATE_SOCKET: server.socketPath } });
  assert.deepEqual(viaEnv, { code: 0, stdout: '1 bundle\n', stderr: '' });
  const viaTemplate = await runCli(['bundle', 'count', '-instance', 'api'], { env: { SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE: join(server.dir, '%i.sock') } });
  assert.deepEqual(viaTemplate, { code: 0, stdout: '1 bundle\n', stderr: '' });
});

test('an unknown flag prints Go flag\'s message and the usage', async () => {
  const r = await run(['entry', 'show'], ['-bogus']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^flag provided but not defined: -bogus\nUsage of entry show:\n {2}-downstream\n/);
});
