import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../spiffeid/index.js';
import { FakeServerCA, makeCsr, type IssuedCert } from './ports.fake.js';
import { startHarness, type Harness, storeAttestedAgent } from './testing/harness.js';

let h: Harness;
let other: FakeServerCA;
let configAdmin: IssuedCert;
let entryAdmin: IssuedCert;
let agent: IssuedCert;
let downstream: IssuedCert;
let nobody: IssuedCert;
const AGENT_ID = 'spiffe://example.org/spire/agent/x509pop/node1';

const denied = (m: string) => ({ code: 7, details: `authorization denied for method ${m}` });

before(async () => {
  h = await startHarness({ adminIds: ['spiffe://example.org/config-admin', 'spiffe://other.org/fed-admin'] });
  other = await FakeServerCA.create(TrustDomain.parse('other.org'));
  await h.ds.setBundle({ trustDomainId: 'spiffe://other.org', rootCas: [{ derBytes: other.root.certDer, taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 });
  await h.endpoints.refreshTls();
  configAdmin = await h.ca.issue('spiffe://example.org/config-admin');
  entryAdmin = await h.ca.issue('spiffe://example.org/entry-admin');
  agent = await h.ca.issue(AGENT_ID);
  downstream = await h.ca.issue('spiffe://example.org/downstream');
  nobody = await h.ca.issue('spiffe://example.org/nobody');
  const sel = [{ type: 'x', value: 'y' }];
  const base = { x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], entryExpiry: 0, storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0 };
  await h.ds.createRegistrationEntry({ ...base, entryId: 'admin-entry', spiffeId: 'spiffe://example.org/entry-admin', parentId: AGENT_ID, selectors: sel, admin: true, downstream: false });
  await h.ds.createRegistrationEntry({ ...base, entryId: 'ds-entry', spiffeId: 'spiffe://example.org/downstream', parentId: AGENT_ID, selectors: sel, admin: false, downstream: true });
  await h.ds.createRegistrationEntry({ ...base, entryId: 'workload', spiffeId: 'spiffe://example.org/workload', parentId: AGENT_ID, selectors: sel, admin: false, downstream: false, dnsNames: ['w.example.org'] });
  await storeAttestedAgent(h.ds, AGENT_ID, agent.serial);
});
after(async () => h.close());

test('open methods: GetBundle answers callers without a certificate; AttestAgent reaches its handler', async () => {
  const b = await h.tcp('bundle').call('GetBundle', {});
  assert.equal(b.trust_domain, 'example.org');
  assert.equal(b.x509_authorities.length, 1);
  const attest = (h.tcp('agent').raw as unknown as { AttestAgent(): import('@grpc/grpc-js').ClientDuplexStream<unknown, unknown> }).AttestAgent();
  const err = await new Promise<{ code: number; details: string }>((resolve) => {
    attest.on('error', (e) => resolve(e as never));
    attest.on('data', () => undefined);
    attest.write({ params: { data: { type: 'nope', payload: Buffer.from('x') }, params: { csr: Buffer.from('x') } } });
  });
  attest.end();
  assert.equal(err.code, 9);
  assert.equal(err.details, 'error getting node attestor: could not find node attestor type "nope"');
});

test('admin/local methods: allowed on the socket and for admins, denied to anyone else on TCP', async () => {
  const m = '/spire.api.server.entry.v1.Entry/ListEntries';
  assert.ok(Array.isArray((await h.local('entry').call('ListEntries', {})).entries));
  assert.ok(Array.isArray((await h.tcp('entry', configAdmin).call('ListEntries', {})).entries), 'admin_ids');
  assert.ok(Array.isArray((await h.tcp('entry', entryAdmin).call('ListEntries', {})).entries), 'admin entry');
  await assert.rejects(h.tcp('entry').call('ListEntries', {}), denied(m));
  await assert.rejects(h.tcp('entry', nobody).call('ListEntries', {}), denied(m));
  await assert.rejects(h.tcp('entry', agent).call('ListEntries', {}), denied(m));
  await assert.rejects(h.tcp('entry', downstream).call('ListEntries', {}), denied(m));
  // Join tokens, bans and federation follow the same rule.
  await assert.rejects(h.tcp('agent', nobody).call('CreateJoinToken', { ttl: 60 }), denied('/spire.api.server.agent.v1.Agent/CreateJoinToken'));
  assert.ok((await h.tcp('agent', configAdmin).call('CreateJoinToken', { ttl: 60 })).value);
  await assert.rejects(h.tcp('trustDomain', agent).call('ListFederationRelationships', {}), denied('/spire.api.server.trustdomain.v1.TrustDomain/ListFederationRelationships'));
  await assert.rejects(h.tcp('localAuthority', nobody).call('GetX509AuthorityState', {}), denied('/spire.api.server.localauthority.v1.LocalAuthority/GetX509AuthorityState'));
  assert.equal((await h.tcp('localAuthority', configAdmin).call('GetX509AuthorityState', {})).active.authority_id, 'x509-1');
});

test('a federated admin (admin_ids in another trust domain) is an admin', async () => {
  const fedAdmin = await other.issue('spiffe://other.org/fed-admin');
  assert.ok(Array.isArray((await h.tcp('entry', fedAdmin).call('ListEntries', {})).entries));
});

test('a certificate for this trust domain signed by another trust domain is rejected', async () => {
  const forged = await other.issue('spiffe://example.org/config-admin');
  await assert.rejects(h.tcp('entry', forged).call('ListEntries', {}), {
    code: 16,
    details: 'client certificate does not chain to a root of trust domain "example.org"',
  });
});

test('a certificate from an unknown CA counts as no certificate', async () => {
  const stranger = await FakeServerCA.create(TrustDomain.parse('example.org'));
  const cert = await stranger.issue('spiffe://example.org/config-admin');
  await assert.rejects(h.tcp('entry', cert).call('ListEntries', {}), denied('/spire.api.server.entry.v1.Entry/ListEntries'));
  assert.equal((await h.tcp('bundle', cert).call('GetBundle', {})).trust_domain, 'example.org');
});

test('local-only methods (debug, logger, health) are refused on TCP even to admins', async () => {
  assert.equal(typeof (await h.local('debug').call('GetInfo', {})).uptime, 'number');
  assert.ok((await h.local('logger').call('GetLogger', {})).current_level);
  await assert.rejects(h.tcp('debug', configAdmin).call('GetInfo', {}), denied('/spire.api.server.debug.v1.Debug/GetInfo'));
  await assert.rejects(h.tcp('logger', configAdmin).call('GetLogger', {}), denied('/spire.api.server.logger.v1.Logger/GetLogger'));
  await assert.rejects(h.tcp('health', configAdmin).call('Check', { service: '' }), denied('/grpc.health.v1.Health/Check'));
});

test('signing RPCs are for agents only, by SVID serial', async () => {
  const csr = await makeCsr();
  const res = await h.tcp('svid', agent).call('BatchNewX509SVID', { params: [{ entry_id: 'workload', csr: csr.der }, { entry_id: 'admin-entry-not-mine', csr: csr.der }] });
  assert.deepEqual(res.results[0].status, { code: 0, message: 'OK' });
  assert.equal(res.results[0].svid.id.path, '/workload');
  assert.deepEqual(res.results[1].status, { code: 5, message: 'entry not found or not authorized' });
  const m = '/spire.api.server.svid.v1.SVID/BatchNewX509SVID';
  await assert.rejects(h.local('svid').call('BatchNewX509SVID', { params: [{ entry_id: 'workload', csr: csr.der }] }), denied(m));
  await assert.rejects(h.tcp('svid', configAdmin).call('BatchNewX509SVID', { params: [{ entry_id: 'workload', csr: csr.der }] }), denied(m));
  // Same ID, serial the store does not know: not this agent's current SVID.
  const stale = await h.ca.issue(AGENT_ID);
  await assert.rejects(h.tcp('svid', stale).call('BatchNewX509SVID', { params: [{ entry_id: 'workload', csr: csr.der }] }), denied(m));
});

test('BatchNewX509SVID: a CSR whose signature fails is refused alone, as SPIRE words it', async () => {
  const good = await makeCsr();
  const bad = Buffer.from((await makeCsr()).der);
  bad[bad.length - 3]! ^= 0x01;
  const res = await h.tcp('svid', agent).call('BatchNewX509SVID', {
    params: [
      { entry_id: 'workload', csr: bad },
      { entry_id: 'workload', csr: good.der },
      { entry_id: 'workload', csr: Buffer.from('not a CSR') },
    ],
  });
  assert.deepEqual(res.results[0].status, { code: 3, message: 'invalid CSR signature: x509: ECDSA verification failure' });
  assert.equal(res.results[0].svid, null);
  assert.deepEqual(res.results[1].status, { code: 0, message: 'OK' });
  assert.equal(res.results[2].status.code, 3);
  assert.match(res.results[2].status.message, /^malformed CSR: asn1: /);
});

test("an agent's new SVID serial is accepted and becomes current", async () => {
  const renewed = await h.ca.issue(AGENT_ID);
  const node = (await h.ds.fetchAttestedNode(AGENT_ID))!;
  await h.ds.updateAttestedNode({ ...node, newCertSerialNumber: renewed.serial, newCertNotAfter: node.certNotAfter + 10 }, { newCertSerialNumber: true, newCertNotAfter: true });
  const jwt = await h.tcp('svid', renewed).call('NewJWTSVID', { entry_id: 'workload', audience: ['aud1'] });
  assert.equal(jwt.svid.id.path, '/workload');
  const after = (await h.ds.fetchAttestedNode(AGENT_ID))!;
  assert.equal(after.certSerialNumber, renewed.serial);
  assert.equal(after.newCertSerialNumber, '');
  agent = renewed;
});

test('a banned agent gets PermissionDenied', async () => {
  const banned = await h.ca.issue('spiffe://example.org/spire/agent/x509pop/banned');
  await h.ds.createAttestedNode({
    spiffeId: 'spiffe://example.org/spire/agent/x509pop/banned',
    attestationDataType: 'x509pop',
    certSerialNumber: banned.serial,
    certNotAfter: 0,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: false,
    agentVersion: '',
    selectors: [],
  });
  assert.ok(await h.tcp('agent', banned).call('PostStatus', { agent_version: '1.2.3' }));
  await h.local('agent').call('BanAgent', { id: { trust_domain: 'example.org', path: '/spire/agent/x509pop/banned' } });
  await assert.rejects(h.tcp('agent', banned).call('PostStatus', {}), denied('/spire.api.server.agent.v1.Agent/PostStatus'));
  assert.ok(h.logs.lines.some((l) => l.msg === 'Agent is banned'));
});

test('NewDownstreamX509CA and PublishJWTAuthority are for downstream servers only', async () => {
  const csr = await makeCsr();
  const res = await h.tcp('svid', downstream).call('NewDownstreamX509CA', { csr: csr.der, preferred_ttl: 600 });
  assert.equal(res.ca_cert_chain.length, 1);
  assert.deepEqual(res.x509_authorities.map((b: Buffer) => b.toString('base64')), [Buffer.from(h.ca.root.certDer).toString('base64')]);
  const key = await h.ca.jwtPublicKeyDer();
  const pub = await h.tcp('bundle', downstream).call('PublishJWTAuthority', { jwt_authority: { public_key: Buffer.from(key), key_id: 'kid1', expires_at: 2_000_000_000 } });
  assert.deepEqual(pub.jwt_authorities.map((k: { key_id: string }) => k.key_id), ['kid1']);
  await assert.rejects(h.tcp('svid', configAdmin).call('NewDownstreamX509CA', { csr: csr.der }), denied('/spire.api.server.svid.v1.SVID/NewDownstreamX509CA'));
  await assert.rejects(h.local('bundle').call('PublishJWTAuthority', {}), denied('/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority'));
  await assert.rejects(h.tcp('bundle', agent).call('PublishJWTAuthority', {}), denied('/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority'));
});

test('Mint* RPCs need the socket or an admin', async () => {
  const csr = await makeCsr({ uris: ['spiffe://example.org/minted'] });
  const local = await h.local('svid').call('MintX509SVID', { csr: csr.der, ttl: 60 });
  assert.equal(local.svid.id.path, '/minted');
  const admin = await h.tcp('svid', entryAdmin).call('MintJWTSVID', { id: { trust_domain: 'example.org', path: '/minted' }, audience: ['a'] });
  assert.ok(admin.svid.token.split('.').length === 3);
  await assert.rejects(h.tcp('svid', agent).call('MintX509SVID', { csr: csr.der }), denied('/spire.api.server.svid.v1.SVID/MintX509SVID'));
});

test('agent-only RPCs reach their handlers for agents (GetAuthorizedEntries, RenewAgent)', async () => {
  const ids = (await h.tcp('entry', agent).call<{ entries: { id: string }[] }>('GetAuthorizedEntries', {})).entries.map((e) => e.id);
  assert.ok(ids.includes('admin-entry'), ids.join(','));
  // This agent is re-attestable, so SPIRE sends it to re-attest.
  await assert.rejects(h.tcp('agent', agent).call('RenewAgent', {}), { code: 7, details: 'agent must reattest instead of renew' });
});

test('a connection whose chain reached a root removed since answers UNAVAILABLE and is closed, so the client connects again', async () => {
  // A Go client keeps its connection (and the certificate of its handshake) for as long as it
  // can; after the root is revoked it must be told to connect again, not refused for good.
  const fedAdmin = await other.issue('spiffe://other.org/fed-admin');
  const c = h.tcp('entry', fedAdmin);
  assert.ok(Array.isArray((await c.call('ListEntries', {})).entries));
  await h.ds.deleteBundle('spiffe://other.org', 'RESTRICT');
  await h.endpoints.refreshTls();
  await assert.rejects(c.call('ListEntries', {}), {
    code: 14,
    details: 'the root this connection was verified against is no longer trusted for trust domain "other.org"; connect again',
  });
  // The same client, on a new connection: its certificate no longer verifies, so it is no one.
  await assert.rejects(c.call('ListEntries', {}), denied('/spire.api.server.entry.v1.Entry/ListEntries'));
});
