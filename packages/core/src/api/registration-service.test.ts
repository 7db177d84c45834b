import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../spiffeid/index.js';
import { CSR_CASES, opensslCsr } from '../ca/test-support/openssl-csrs.js';
import { FakeServerCA, makeCsr } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

const legacy = (path: string, extra: object = {}) => ({
  spiffe_id: `spiffe://example.org${path}`,
  parent_id: 'spiffe://example.org/spire/agent/join_token/abc',
  selectors: [{ type: 'unix', value: 'uid:0' }],
  ttl: 300,
  ...extra,
});

test('legacy entries: create, create-if-not-exists, fetch, update, list by parent/selector(s)/SPIFFE ID, pages, delete', async () => {
  const c = h.local('registration');
  const { id } = await c.call('CreateEntry', legacy('/legacy/a', { dns_names: ['a.example.org'] }));
  assert.ok(id);
  await assert.rejects(c.call('CreateEntry', legacy('/legacy/a')), { code: 6, details: 'entry already exists' });
  const again = await c.call('CreateEntryIfNotExists', legacy('/legacy/a'));
  assert.equal(again.preexisting, true);
  assert.equal(again.entry.entry_id, id);
  const fresh = await c.call('CreateEntryIfNotExists', legacy('/legacy/b', { selectors: [{ type: 'unix', value: 'uid:1' }, { type: 'unix', value: 'gid:1' }] }));
  assert.equal(fresh.preexisting, false);

  const fetched = await c.call('FetchEntry', { id });
  assert.equal(fetched.spiffe_id, 'spiffe://example.org/legacy/a');
  assert.equal(fetched.ttl, 300);
  assert.deepEqual(fetched.dns_names, ['a.example.org']);
  await assert.rejects(c.call('FetchEntry', { id: 'missing' }), { code: 5, details: 'no such registration entry' });

  const updated = await c.call('UpdateEntry', { entry: { ...legacy('/legacy/a2'), entry_id: id, ttl: 900 } });
  assert.equal(updated.spiffe_id, 'spiffe://example.org/legacy/a2');
  assert.equal(updated.ttl, 900);
  assert.equal(updated.revision_number, 1);
  await assert.rejects(c.call('UpdateEntry', {}), { code: 3, details: 'request is missing entry to update' });
  await assert.rejects(c.call('UpdateEntry', { entry: legacy('/x') }), { code: 3, details: 'missing registration entry id' });

  assert.equal((await c.call('FetchEntries', {})).entries.length, 2);
  assert.equal((await c.call('ListByParentID', { id: 'spiffe://example.org/spire/agent/join_token/abc' })).entries.length, 2);
  assert.equal((await c.call('ListBySelector', { type: 'unix', value: 'uid:0' })).entries.length, 1);
  assert.equal((await c.call('ListBySelectors', { entries: [{ type: 'unix', value: 'gid:1' }, { type: 'unix', value: 'uid:1' }] })).entries.length, 1);
  assert.equal((await c.call('ListBySpiffeID', { id: 'spiffe://example.org/legacy/b' })).entries.length, 1);
  await assert.rejects(c.call('ListByParentID', { id: 'not an id' }), { code: 3, details: 'parent ID is malformed: scheme is missing or invalid' });

  const p1 = await c.call('ListAllEntriesWithPages', { pagination: { page_size: 1 } });
  assert.equal(p1.entries.length, 1);
  const p2 = await c.call('ListAllEntriesWithPages', { pagination: { page_size: 1, token: p1.pagination.token } });
  assert.equal(p2.entries.length, 1);
  assert.notEqual(p2.entries[0].entry_id, p1.entries[0].entry_id);

  const deleted = await c.call('DeleteEntry', { id });
  assert.equal(deleted.entry_id, id);
  await assert.rejects(c.call('DeleteEntry', { id }), { code: 5 });
});

test('legacy entry validation names the problem and writes nothing', async () => {
  const c = h.local('registration');
  const before = await h.ds.countRegistrationEntries({});
  await assert.rejects(c.call('CreateEntry', legacy('/v', { spiffe_id: 'spiffe://other.org/v' })), {
    code: 3,
    details: 'spiffe ID is malformed: "spiffe://other.org/v" is not a member of trust domain "example.org"',
  });
  await assert.rejects(c.call('CreateEntry', legacy('/v', { parent_id: 'spiffe://example.org/p/' })), { code: 3, details: 'parent ID is malformed: path cannot have a trailing slash' });
  await assert.rejects(c.call('CreateEntry', legacy('/v', { selectors: [] })), { code: 3, details: 'selector list is empty' });
  await assert.rejects(c.call('CreateEntry', legacy('/v', { selectors: [{ type: 'unix', value: '' }] })), { code: 3, details: 'missing selector value' });
  await assert.rejects(c.call('CreateEntry', legacy('/v', { ttl: -1 })), { code: 3, details: 'invalid ttl: must not be negative' });
  await assert.rejects(c.call('CreateEntry', legacy('/v', { dns_names: ['-bad-'] })), (e: { code: number; details: string }) => e.code === 3 && e.details.startsWith('dns name -bad- failed validation: '));
  assert.equal(await h.ds.countRegistrationEntries({}), before);
});

test('legacy federated bundles: create, fetch, list (stream), update, delete', async () => {
  const c = h.local('registration');
  const root = Buffer.from((await FakeServerCA.create(TrustDomain.parse('leg.org'))).root.certDer);
  await c.call('CreateFederatedBundle', { bundle: { trust_domain_id: 'spiffe://leg.org', root_cas: [{ der_bytes: root }], refresh_hint: 10 } });
  await assert.rejects(c.call('CreateFederatedBundle', { bundle: { trust_domain_id: 'spiffe://example.org', root_cas: [] } }), {
    code: 3,
    details: 'federated bundle id cannot match server trust domain',
  });
  await assert.rejects(c.call('CreateFederatedBundle', {}), { code: 3, details: 'bundle field is required' });
  const got = await c.call('FetchFederatedBundle', { id: 'spiffe://leg.org' });
  assert.equal(got.bundle.refresh_hint, 10);
  const listed = await c.stream<{ bundle: { trust_domain_id: string } }>('ListFederatedBundles', {});
  assert.deepEqual(listed.map((b) => b.bundle.trust_domain_id), ['spiffe://leg.org']);
  await c.call('UpdateFederatedBundle', { bundle: { trust_domain_id: 'spiffe://leg.org', root_cas: [{ der_bytes: root }], refresh_hint: 20 } });
  assert.equal((await c.call('FetchFederatedBundle', { id: 'spiffe://leg.org' })).bundle.refresh_hint, 20);
  await c.call('DeleteFederatedBundle', { id: 'spiffe://leg.org', mode: 'RESTRICT' });
  await assert.rejects(c.call('FetchFederatedBundle', { id: 'spiffe://leg.org' }), { code: 5, details: 'bundle not found' });
});

test('legacy bundle, join tokens, agents and node selectors', async () => {
  const c = h.local('registration');
  const b = await c.call('FetchBundle', {});
  assert.equal(b.bundle.trust_domain_id, 'spiffe://example.org');
  assert.equal(b.bundle.root_cas.length, 1);
  const t = await c.call('CreateJoinToken', { ttl: 30 });
  assert.equal(t.ttl, 30);
  assert.ok((await h.ds.fetchJoinToken(t.token))!.expiry > Date.now() / 1000);
  await assert.rejects(c.call('CreateJoinToken', { ttl: 0 }), { code: 3, details: 'ttl is required, you must provide one' });

  const agentId = 'spiffe://example.org/spire/agent/x/legacy';
  await h.ds.createAttestedNode({
    spiffeId: agentId,
    attestationDataType: 'x',
    certSerialNumber: '5',
    certNotAfter: 10,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: false,
    agentVersion: '',
    selectors: [{ type: 'x', value: 'y' }],
  });
  const agents = await c.call('ListAgents', {});
  assert.deepEqual(agents.nodes.map((n: { spiffe_id: string }) => n.spiffe_id), [agentId]);
  const sel = await c.call('GetNodeSelectors', { spiffe_id: agentId });
  assert.deepEqual(sel.selectors, { spiffe_id: agentId, selectors: [{ type: 'x', value: 'y' }] });
  const evicted = await c.call('EvictAgent', { spiffeID: agentId });
  assert.equal(evicted.node.cert_serial_number, '5');
  await assert.rejects(c.call('EvictAgent', { spiffeID: agentId }), { code: 5 });
  await assert.rejects(c.call('EvictAgent', {}), { code: 3, details: 'empty agent ID' });
});

test('legacy MintX509SVID and MintJWTSVID', async () => {
  const c = h.local('registration');
  const csr = await makeCsr();
  const x = await c.call('MintX509SVID', { spiffe_id: 'spiffe://example.org/legacy/minted', csr: csr.der, ttl: 60, dns_names: ['m.example.org'] });
  assert.equal(x.svid_chain.length, 1);
  assert.equal(x.root_cas.length, 1);
  assert.deepEqual(h.ca.x509Requests.at(-1)!.dnsNames, ['m.example.org']);
  await assert.rejects(c.call('MintX509SVID', { spiffe_id: '', csr: csr.der }), { code: 3, details: 'request missing SPIFFE ID' });
  await assert.rejects(c.call('MintX509SVID', { spiffe_id: 'spiffe://example.org/x' }), { code: 3, details: 'request missing CSR' });
  const j = await c.call('MintJWTSVID', { spiffe_id: 'spiffe://example.org/legacy/minted', audience: ['aud'], ttl: 60 });
  assert.equal(j.token.split('.').length, 3);
  await assert.rejects(c.call('MintJWTSVID', { spiffe_id: 'spiffe://example.org/x', audience: [] }), { code: 3, details: 'request must specify at least one audience' });
});

test('CSR key policy: legacy MintX509SVID refuses the CSR keys SPIRE refuses', async () => {
  const c = h.local('registration');
  const uri = 'spiffe://example.org/legacy/keys';
  const pick = (label: string) => opensslCsr(CSR_CASES.find((k) => k.label === label)!, uri);
  await assert.rejects(c.call('MintX509SVID', { spiffe_id: uri, csr: Buffer.from(pick('secp256k1')) }), { code: 3, details: 'invalid CSR: x509: unsupported elliptic curve' });
  await assert.rejects(c.call('MintX509SVID', { spiffe_id: uri, csr: Buffer.from(pick('P-256 with explicit parameters')) }), { code: 3, details: 'invalid CSR: x509: invalid ECDSA parameters' });
  await assert.rejects(c.call('MintX509SVID', { spiffe_id: uri, csr: Buffer.from(pick('RSA-512')) }), { code: 3, details: 'invalid CSR: signature verify failed' });
  const ok = await c.call('MintX509SVID', { spiffe_id: uri, csr: Buffer.from(pick('Ed25519')), ttl: 60 });
  assert.equal(ok.svid_chain.length, 1);
});

test('legacy Registration over TCP needs an admin', async () => {
  await assert.rejects(h.tcp('registration').call('FetchEntries', {}), { code: 7, details: 'authorization denied for method /spire.api.registration.Registration/FetchEntries' });
  const admin = await h.ca.issue('spiffe://example.org/reg-admin');
  await h.local('entry').call('BatchCreateEntry', {
    entries: [{ spiffe_id: { trust_domain: 'example.org', path: '/reg-admin' }, parent_id: { trust_domain: 'example.org', path: '/p' }, selectors: [{ type: 'a', value: 'b' }], admin: true }],
  });
  assert.ok(Array.isArray((await h.tcp('registration', admin).call('FetchEntries', {})).entries));
});
