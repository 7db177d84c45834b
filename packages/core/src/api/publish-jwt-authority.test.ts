import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
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
import { newWorld, RecordingNotifier, startManager } from '../ca/test-support/manager-fixture.js';
import type { MintX509CAResponse, UpstreamAuthority } from '../plugins/upstreamauthority/contract.js';
import type { JWTKey } from '../plugins/types.js';
import { TrustDomain } from '../spiffeid/index.js';
import { caPort } from './ca-port.js';
import { startEndpoints } from './endpoints.js';
import { makeCsr } from './ports.fake.js';
import { clientConstructor, Services } from './proto.js';
import { LogCapture, openTestStore } from './testing/harness.js';

// PublishJWTAuthority from a downstream server, over the real CA manager: SPIRE hands the key to
// the UpstreamAuthority when it supports PublishJWTKey (else appends it to the bundle), and
// Notifiers and BundlePublishers hear of the change either way.
const td = TrustDomain.parse('example.org');
const DOWNSTREAM_ID = 'spiffe://example.org/downstream';

const pem = (label: string, der: Uint8Array) => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;

/** An UpstreamAuthority over another server's CA that records the JWT keys published to it. */
class RecordingUpstreamAuthority implements UpstreamAuthority {
  readonly published: JWTKey[] = [];
  constructor(
    private readonly upstream: { root: Uint8Array; mint(csr: Uint8Array): Promise<Uint8Array[]> },
    private readonly upstreamJwtKeys: JWTKey[],
  ) {}
  async *mintX509CAAndSubscribe(req: { csr: Uint8Array }): AsyncIterable<MintX509CAResponse> {
    yield { x509CaChain: await this.upstream.mint(req.csr), upstreamX509Roots: [{ asn1: this.upstream.root, tainted: false }] };
  }
  async *publishJWTKeyAndSubscribe(jwtKey: JWTKey): AsyncIterable<{ upstreamJwtKeys: JWTKey[] }> {
    this.published.push(jwtKey);
    yield { upstreamJwtKeys: [...this.upstreamJwtKeys, jwtKey] };
  }
  async close(): Promise<void> {}
}

/** Runs the API over a real CA manager and calls PublishJWTAuthority as a downstream server. */
async function publishAsDownstream(opts: { upstreamAuthority?: UpstreamAuthority; notifier: RecordingNotifier; key: { public_key: Buffer; key_id: string; expires_at: number } }) {
  const dir = await mkdtemp(join(tmpdir(), 'spire-api-pubjwt-'));
  const logs = new LogCapture();
  const ds = await openTestStore(dir, td, logs.logger);
  const ca = new ServerCA({ trustDomain: td, clock: systemClock });
  const manager = await CAManager.create({
    trustDomain: td,
    clock: systemClock,
    log: logs.logger,
    keyManager: new InProcessKeyManager(),
    dataStore: ds,
    pool: new InlineSigningPool(),
    ca,
    upstreamAuthority: opts.upstreamAuthority,
    notifiers: [opts.notifier],
    bundlePublishers: [opts.notifier],
  });
  const clients: grpc.Client[] = [];
  let endpoints;
  try {
    await manager.initialize();
    await manager.notifyBundleLoaded();
    await manager.settled();
    const rotator = new ServerSVIDRotator({ ca, clock: systemClock, log: logs.logger });
    await rotator.rotate();
    const base = { x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], entryExpiry: 0, storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0 };
    await ds.createRegistrationEntry({ ...base, entryId: 'ds-entry', spiffeId: DOWNSTREAM_ID, parentId: 'spiffe://example.org/spire/agent/x/1', selectors: [{ type: 'x', value: 'y' }], admin: false, downstream: true });
    endpoints = await startEndpoints({
      trustDomain: td,
      dataStore: ds,
      ca: caPort({ ca, manager, rotator }),
      log: logs.logger,
      socketPath: join(dir, 'api.sock'),
      tcp: { bindAddress: '127.0.0.1', bindPort: 0 },
    });
    // The downstream server's X509-SVID, from this server's CA.
    const csr = await makeCsr({ uris: [DOWNSTREAM_ID] });
    const svid = await ca.signWorkloadX509SVID({ spiffeId: DOWNSTREAM_ID, csr: csr.der });
    const keyDer = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', csr.keys.privateKey));
    const roots = (await ds.fetchBundle(td.idString()))!.rootCas.map((r) => pem('CERTIFICATE', r.derBytes)).join('');
    const creds = grpc.credentials.createSsl(Buffer.from(roots), Buffer.from(pem('PRIVATE KEY', keyDer)), Buffer.from(svid.certChain.map((c) => pem('CERTIFICATE', c)).join('')), {
      checkServerIdentity: () => undefined,
    });
    const Ctor = clientConstructor(Services.bundle);
    const c = new Ctor(`127.0.0.1:${endpoints.tcpPort}`, creds);
    clients.push(c);
    const before = opts.notifier.updated.length;
    const res = await new Promise<{ jwt_authorities: Array<{ key_id: string; public_key: Buffer }> }>((resolve, reject) =>
      (c as unknown as { PublishJWTAuthority(r: object, cb: (e: Error | null, r: never) => void): void }).PublishJWTAuthority({ jwt_authority: opts.key }, (e, r) => (e ? reject(e) : resolve(r))),
    );
    await manager.settled();
    const bundle = (await ds.fetchBundle(td.idString()))!;
    return { res, bundle, updated: opts.notifier.updated.slice(before) };
  } finally {
    for (const c of clients) c.close();
    await endpoints?.close();
    await manager.close();
    await ds.close?.();
    await ds.dropTestDb?.();
    await rm(dir, { recursive: true, force: true });
  }
}

function jwtKey(kid: string) {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
  return { public_key: spki, key_id: kid, expires_at: Math.floor(Date.now() / 1000) + 3600 };
}

test('PublishJWTAuthority from a downstream server reaches an UpstreamAuthority that supports PublishJWTKey, and the Notifiers', async () => {
  const { ca: upstreamCa, m: upstreamManager } = await startManager(newWorld());
  const upstreamKey: JWTKey = { publicKey: new Uint8Array(jwtKey('x').public_key), keyId: 'upstream-kid', expiresAt: Math.floor(Date.now() / 1000) + 7200, tainted: false };
  const ua = new RecordingUpstreamAuthority({ root: upstreamCa.getX509CA()!.certificate.der, mint: (csr) => upstreamCa.signDownstreamX509CA({ csr }) }, [upstreamKey]);
  const notifier = new RecordingNotifier();
  const key = jwtKey('downstream-kid');
  try {
    const { res, bundle, updated } = await publishAsDownstream({ upstreamAuthority: ua, notifier, key });
    assert.ok(
      ua.published.some((k) => k.keyId === 'downstream-kid' && Buffer.from(k.publicKey).equals(key.public_key) && k.expiresAt === key.expires_at),
      `the UpstreamAuthority was given the key; it got ${ua.published.map((k) => k.keyId).join(', ')}`,
    );
    // What the UpstreamAuthority returns is what is stored and answered.
    const kids = res.jwt_authorities.map((k) => k.key_id);
    assert.ok(kids.includes('upstream-kid') && kids.includes('downstream-kid'), kids.join(', '));
    assert.deepEqual(kids, bundle.jwtSigningKeys.map((k) => k.kid));
    assert.ok(updated.length > 0, 'the Notifier heard BundleUpdated');
    assert.ok(updated.at(-1)!.jwtAuthorities.some((k) => k.keyId === 'downstream-kid'), 'the updated bundle holds the downstream key');
    assert.equal(notifier.published.at(-1)!.jwtAuthorities.some((k) => k.keyId === 'downstream-kid'), true, 'the BundlePublisher published it');
  } finally {
    await upstreamManager.close();
  }
});

test('PublishJWTAuthority without an UpstreamAuthority appends the key to the bundle and the Notifiers hear BundleUpdated', async () => {
  const notifier = new RecordingNotifier();
  const key = jwtKey('downstream-kid');
  const { res, bundle, updated } = await publishAsDownstream({ notifier, key });
  assert.ok(bundle.jwtSigningKeys.some((k) => k.kid === 'downstream-kid' && Buffer.from(k.pkixBytes).equals(key.public_key) && k.notAfter === key.expires_at));
  assert.deepEqual(
    res.jwt_authorities.map((k) => k.key_id),
    bundle.jwtSigningKeys.map((k) => k.kid),
  );
  assert.equal(updated.length, 1, 'one BundleUpdated');
  assert.ok(updated[0]!.jwtAuthorities.some((k) => k.keyId === 'downstream-kid'));
  assert.ok(notifier.published.at(-1)!.jwtAuthorities.some((k) => k.keyId === 'downstream-kid'), 'the BundlePublisher published it');
});
