import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { serviceDefinition, Services } from '../../../api/proto.js';
import { startTestServer, type TestServer } from '../../test-support/api-server.js';
import { runCli } from '../../test-support/run-cli.js';
import { runInProcess } from '../../test-support/run-in-process.js';

const FFLAGS = { SPIRE_SERVER_FFLAGS: 'wit-svid' };

// From upstream's cmd/spire-server/cli/wit/mint_posix_test.go (with clitest's socket flags).
const WIT_MINT_USAGE = `Usage of wit mint:
  -instance string
    \tInstance name to substitute into socket templates (env SPIRE_SERVER_PRIVATE_SOCKET_TEMPLATE).
  -keyType string
    \tKey type of the WIT-SVID (default "ec-p256")
  -output value
    \tDesired output format (pretty, json); default: pretty.
  -signingAlgorithm string
    \tSigning algorithm for the workload signing key (default "ES256")
  -socketPath string
    \tPath to the SPIRE Server API socket (default "/tmp/spire-server/private/api.sock")
  -spiffeID string
    \tSPIFFE ID of the WIT-SVID
  -ttl duration
    \tTTL of the WIT-SVID
  -write string
    \tDirectory to write output to instead of stdout
`;

let server: TestServer;
let fake: { socketPath: string; requests: Array<Record<string, unknown>>; close(): void };
const EXP = Math.floor(Date.now() / 1000) + 3600;
const TOKEN = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'spiffe://domain.test/workload', exp: EXP })).toString('base64url')}.c2ln`;

before(async () => {
  server = await startTestServer();
  // A stand-in for a SPIRE server that mints WIT-SVIDs, which this server does not.
  const dir = mkdtempSync(join(tmpdir(), 'spire-wit-'));
  const socketPath = join(dir, 'api.sock');
  const requests: Array<Record<string, unknown>> = [];
  const srv = new grpc.Server();
  srv.addService(serviceDefinition(Services.svid), {
    MintWITSVID(call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, cb: grpc.sendUnaryData<unknown>) {
      requests.push(call.request);
      cb(null, { svid: { token: TOKEN, id: { trust_domain: 'domain.test', path: '/workload' }, expires_at: EXP, issued_at: 1628500000 } });
    },
  });
  await new Promise<void>((res, rej) => srv.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  fake = {
    socketPath,
    requests,
    close: () => {
      srv.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
after(async () => {
  fake?.close();
  await server?.stop();
});

test('wit mint exists only when SPIRE_SERVER_FFLAGS names wit-svid, as upstream', async () => {
  const off = await runInProcess(['wit', 'mint', '-h'], { env: { SPIRE_SERVER_FFLAGS: '' } });
  // Without the flag there is no `wit` command: the top-level help, exit 127.
  assert.equal(off.code, 127);
  assert.doesNotMatch(off.stderr, /wit/);
  assert.equal((await runInProcess(['wit', 'mint', '-spiffeID', 'spiffe://example.org/w'], { env: { SPIRE_SERVER_FFLAGS: 'wit-svid,x' } })).code, 127);
  assert.deepEqual(await runCli(['wit', 'mint', '-h'], { env: { SPIRE_SERVER_FFLAGS: 'other wit-svid' } }), { code: 0, stdout: '', stderr: `${WIT_MINT_USAGE}flag: help requested\n` });
  const top = await runInProcess(['-h'], { env: FFLAGS });
  assert.match(top.stderr, /\n {4}validate {13}Validates a SPIRE server configuration file\n {4}wit {18}\n {4}x509 {17}\n/);
});

test('wit mint against this server: its Unimplemented answer, as from SPIRE without WIT-SVID support', async () => {
  const r = await runCli(['wit', 'mint', '-socketPath', server.socketPath, '-spiffeID', 'spiffe://example.org/workload'], { env: FFLAGS });
  assert.deepEqual(r, { code: 1, stdout: '', stderr: 'Error: unable to mint SVID: rpc error: code = Unimplemented desc = WIT-SVID functionality is not yet implemented\n' });
});

test('wit mint refuses bad arguments before calling, in upstream\'s words', async () => {
  const run = (args: string[]) => runInProcess(['wit', 'mint', '-socketPath', '/does-not-exist.sock', ...args], { env: FFLAGS });
  const err = (stderr: string) => ({ code: 1, stdout: '', stderr });
  assert.deepEqual(await run([]), err('Error: spiffeID must be specified\n'));
  assert.deepEqual(await run(['-spiffeID', 'domain.test/workload']), err('Error: scheme is missing or invalid\n'));
  const id = ['-spiffeID', 'spiffe://domain.test/workload'];
  assert.deepEqual(await run([...id, '-signingAlgorithm', 'RS256', '-keyType', 'ec-p256']), err("Error: unsupported key type 'ec-p256' for signing algorithm 'RS256'\n"));
  assert.deepEqual(await run([...id, '-keyType', 'ec-p384']), err("Error: unsupported key type 'ec-p384' for 'ES256' signing algorithm\n"));
  assert.deepEqual(await run([...id, '-signingAlgorithm', 'HS256']), err('Error: unsupported signing algorithm: HS256\n'));
  assert.deepEqual(await run(['-bad', 'flag']), err(`flag provided but not defined: -bad\n${WIT_MINT_USAGE}`));
});

test('wit mint from a server that mints: token and go-jose JWK, -output json, -write', async () => {
  const run = (args: string[], cwd?: string) => runInProcess(['wit', 'mint', '-socketPath', fake.socketPath, '-spiffeID', 'spiffe://domain.test/workload', ...args], { env: FFLAGS, cwd });
  const pretty = await run(['-ttl', '1m']);
  assert.equal(pretty.code, 0, pretty.stderr);
  assert.equal(pretty.stderr, '');
  const [token, jwkText, end] = pretty.stdout.split('\n');
  assert.equal(token, TOKEN);
  assert.equal(end, '');
  const jwk = JSON.parse(jwkText!) as Record<string, string>;
  assert.deepEqual(Object.keys(jwk), ['kty', 'crv', 'x', 'y', 'd']);
  const req = fake.requests.at(-1)!;
  assert.deepEqual(req.id, { trust_domain: 'domain.test', path: '/workload' });
  assert.equal(req.signing_algorithm, 'ES256');
  assert.equal(req.ttl, 60);
  const sent = createPublicKey({ key: req.public_key as Buffer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  assert.deepEqual({ x: sent.x, y: sent.y, crv: sent.crv }, { x: jwk.x, y: jwk.y, crv: 'P-256' });

  const json = await run(['-output', 'json', '-signingAlgorithm', 'ES384', '-keyType', 'ec-p384']);
  const out = JSON.parse(json.stdout) as { private_key: string; svid: Record<string, unknown> };
  assert.deepEqual(Object.keys(out), ['private_key', 'svid']);
  assert.deepEqual(out.svid, { token: TOKEN, id: { trust_domain: 'domain.test', path: '/workload' }, expires_at: EXP, issued_at: 1628500000 });
  assert.equal((JSON.parse(out.private_key) as { crv: string }).crv, 'P-384');

  const capped = await run(['-ttl', '2h']);
  assert.equal(capped.stderr, `WIT-SVID lifetime was capped shorter than specified ttl; expires "${new Date(EXP * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}"\n`);

  const dir = mkdtempSync(join(tmpdir(), 'spire-wit-out-'));
  try {
    const written = await run(['-write', '.'], dir);
    assert.deepEqual(written, { code: 0, stdout: 'WIT-SVID written to token\nPrivate key written to key\n', stderr: '' });
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), TOKEN);
    assert.equal(statSync(join(dir, 'key')).mode & 0o777, 0o600);
    const bad = await run(['-write', '/doesnotexist']);
    assert.deepEqual(bad, { code: 1, stdout: '', stderr: 'Error: unable to write token: open /doesnotexist/token: no such file or directory\n' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
