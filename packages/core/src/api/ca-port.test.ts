import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { systemClock } from '../ca/clock.js';
import { InProcessKeyManager } from '../plugins/keymanager/in-process-key-manager.js';
import { CAManager } from '../ca/manager/ca-manager.js';
import { InlineSigningPool } from '../ca/pool/signing-pool.fake.js';
import { ServerCA } from '../ca/server-ca.js';
import { ServerSVIDRotator } from '../ca/server-svid-rotator.js';
import { opensslText, opensslVerify } from '../ca/test-support/openssl.js';
import type { DataStore } from '../plugins/datastore/contract.js';
import { TrustDomain } from '../spiffeid/index.js';
import { caPort } from './ca-port.js';
import { startEndpoints, type Endpoints } from './endpoints.js';
import { makeCsr } from './ports.fake.js';
import { clientConstructor, Services } from './proto.js';
import { LogCapture, openTestStore } from './testing/harness.js';

// The API over the kernel's real CA (ServerCA + CA manager + server SVID rotator) and the SQL
// store: what `spire-server run` will assemble.
const td = TrustDomain.parse('example.org');
let dir: string;
let ds: DataStore;
let manager: CAManager;
let endpoints: Endpoints;
let socketPath: string;
let portUnderTest: ReturnType<typeof caPort>;
const clients: grpc.Client[] = [];

function call<T = any>(service: keyof typeof Services, method: string, req: object = {}): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const Ctor = clientConstructor(Services[service]);
  const c = new Ctor(`unix:${socketPath}`, grpc.credentials.createInsecure());
  clients.push(c);
  return new Promise((resolve, reject) =>
    (c as unknown as Record<string, (r: object, cb: (e: Error | null, r: T) => void) => void>)[method]!.call(c, req, (e, r) => (e ? reject(e) : resolve(r))),
  );
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spire-api-ca-'));
  const logs = new LogCapture();
  ds = await openTestStore(dir, td, logs.logger);
  const ca = new ServerCA({ trustDomain: td, clock: systemClock });
  manager = await CAManager.create({ trustDomain: td, clock: systemClock, log: logs.logger, keyManager: new InProcessKeyManager(), dataStore: ds, pool: new InlineSigningPool(), ca });
  await manager.initialize();
  await manager.settled();
  const rotator = new ServerSVIDRotator({ ca, clock: systemClock, log: logs.logger });
  await rotator.rotate();
  socketPath = join(dir, 'api.sock');
  portUnderTest = caPort({ ca, manager, rotator });
  endpoints = await startEndpoints({ trustDomain: td, dataStore: ds, ca: portUnderTest, log: logs.logger, socketPath, tcp: { bindAddress: '127.0.0.1', bindPort: 0 } });
});
after(async () => {
  for (const c of clients) c.close();
  await endpoints.close();
  await manager.close();
  await ds.close?.();
  await (ds as { dropTestDb?: () => Promise<void> }).dropTestDb?.();
  await rm(dir, { recursive: true, force: true });
});

test('MintX509SVID from the real CA verifies with openssl against the bundle GetBundle returns', async () => {
  const csr = await makeCsr({ uris: ['spiffe://example.org/real'] });
  const res = await call('svid', 'MintX509SVID', { csr: csr.der, ttl: 300 });
  const bundle = await call('bundle', 'GetBundle', {});
  const roots = bundle.x509_authorities.map((a: { asn1: Buffer }) => a.asn1);
  const v = opensslVerify(roots, res.svid.cert_chain[0], res.svid.cert_chain.slice(1));
  assert.ok(v.ok, v.out);
  const jwt = await call('svid', 'MintJWTSVID', { id: { trust_domain: 'example.org', path: '/real' }, audience: ['x'] });
  assert.equal(JSON.parse(Buffer.from(jwt.svid.token.split('.')[1], 'base64url').toString()).sub, 'spiffe://example.org/real');
});

test('local authority RPCs drive the CA manager', async () => {
  const state = await call('localAuthority', 'GetX509AuthorityState', {});
  assert.ok(state.active.authority_id);
  const prepared = await call('localAuthority', 'PrepareX509Authority', {});
  assert.ok(prepared.prepared_authority.authority_id);
  assert.notEqual(prepared.prepared_authority.authority_id, state.active.authority_id);
  const activated = await call('localAuthority', 'ActivateX509Authority', { authority_id: prepared.prepared_authority.authority_id });
  assert.equal(activated.activated_authority.authority_id, prepared.prepared_authority.authority_id);
  await assert.rejects(call('localAuthority', 'RevokeX509Authority', { authority_id: activated.activated_authority.authority_id }), {
    code: 3,
    details: 'invalid authority ID: unable to use current authority',
  });
  const tainted = await call('localAuthority', 'TaintX509Authority', { authority_id: state.active.authority_id });
  assert.equal(tainted.tainted_authority.authority_id, state.active.authority_id);
  const b = await call('bundle', 'GetBundle', {});
  assert.ok(b.x509_authorities.some((a: { tainted: boolean }) => a.tainted), 'the old root is marked tainted in the bundle');
  const jwtState = await call('localAuthority', 'GetJWTAuthorityState', {});
  assert.ok(jwtState.active.authority_id);
});

test('the TCP listener serves the server SVID from the rotator', async () => {
  const bundle = await call('bundle', 'GetBundle', {});
  const pem = bundle.x509_authorities
    .map((a: { asn1: Buffer }) => `-----BEGIN CERTIFICATE-----\n${a.asn1.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`)
    .join('');
  const Ctor = clientConstructor(Services.bundle);
  const c = new Ctor(`127.0.0.1:${endpoints.tcpPort}`, grpc.credentials.createSsl(Buffer.from(pem), null, null, { checkServerIdentity: () => undefined }));
  clients.push(c);
  const got = await new Promise<{ trust_domain: string }>((resolve, reject) =>
    (c as unknown as { GetBundle(r: object, cb: (e: Error | null, r: { trust_domain: string }) => void): void }).GetBundle({}, (e, r) => (e ? reject(e) : resolve(r))),
  );
  assert.equal(got.trust_domain, 'example.org');
});

test('NewDownstreamX509CA signs an intermediate CA that openssl verifies against the bundle', async () => {
  const port = portUnderTest;
  const csr = await makeCsr();
  const chain = await port.signDownstreamX509CA({ csr: csr.der, ttlMs: 3600_000 });
  assert.equal(chain.length, 1, 'self-signed server CA: no upstream chain');
  const bundle = await call('bundle', 'GetBundle', {});
  const roots = bundle.x509_authorities.filter((a: { tainted: boolean }) => !a.tainted).map((a: { asn1: Buffer }) => a.asn1);
  const v = opensslVerify(roots, chain[0]!);
  assert.ok(v.ok, v.out);
  const text = opensslText(chain[0]!);
  assert.match(text, /CA:TRUE/);
  assert.match(text, /URI:spiffe:\/\/example\.org/);
  await assert.rejects(port.signDownstreamX509CA({ csr: new Uint8Array([1, 2, 3]) }), { code: 3 });
});
