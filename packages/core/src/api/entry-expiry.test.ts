import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeCsr, type IssuedCert } from './ports.fake.js';
import { startHarness, type Harness, storeAttestedAgent } from './testing/harness.js';

// The issue's case: an admin entry 388 s past its expiry, its agent still authorized for it, and
// an SVID for it accepted as admin. Nothing here prunes: expiry alone must refuse it.
let h: Harness;
let agent: IssuedCert;
let expiredAdmin: IssuedCert;
let expiredDownstream: IssuedCert;
const AGENT_ID = 'spiffe://example.org/spire/agent/x509pop/expiry';
const denied = (m: string) => ({ code: 7, details: `authorization denied for method ${m}` });

before(async () => {
  h = await startHarness();
  agent = await h.ca.issue(AGENT_ID);
  expiredAdmin = await h.ca.issue('spiffe://example.org/expired-admin');
  expiredDownstream = await h.ca.issue('spiffe://example.org/expired-downstream');
  const expiredAt = Math.floor(Date.now() / 1000) - 388;
  const sel = [{ type: 'x', value: 'y' }];
  const base = { x509SvidTtl: 0, jwtSvidTtl: 0, federatesWith: [], dnsNames: [], storeSvid: false, hint: '', createdAt: 0, revisionNumber: 0, selectors: sel, parentId: AGENT_ID };
  await h.ds.createRegistrationEntry({ ...base, entryId: 'expired-admin', spiffeId: 'spiffe://example.org/expired-admin', admin: true, downstream: false, entryExpiry: expiredAt });
  await h.ds.createRegistrationEntry({ ...base, entryId: 'expired-ds', spiffeId: 'spiffe://example.org/expired-downstream', admin: false, downstream: true, entryExpiry: expiredAt });
  await h.ds.createRegistrationEntry({ ...base, entryId: 'live', spiffeId: 'spiffe://example.org/live', admin: false, downstream: false, entryExpiry: 0 });
  await storeAttestedAgent(h.ds, AGENT_ID, agent.serial);
});
after(async () => h.close());

test('an expired admin entry grants no admin rights', async () => {
  await assert.rejects(h.tcp('entry', expiredAdmin).call('ListEntries', {}), denied('/spire.api.server.entry.v1.Entry/ListEntries'));
  await assert.rejects(h.tcp('agent', expiredAdmin).call('CreateJoinToken', { ttl: 60 }), denied('/spire.api.server.agent.v1.Agent/CreateJoinToken'));
});

test('an expired downstream entry grants no downstream rights', async () => {
  const csr = await makeCsr();
  await assert.rejects(
    h.tcp('svid', expiredDownstream).call('NewDownstreamX509CA', { csr: csr.der, preferred_ttl: 600 }),
    denied('/spire.api.server.svid.v1.SVID/NewDownstreamX509CA'),
  );
});

test('an agent is neither given nor issued SVIDs for its expired entries', async () => {
  const got = await h.tcp('entry', agent).call<{ entries: { id: string }[] }>('GetAuthorizedEntries', {});
  assert.deepEqual(got.entries.map((e) => e.id), ['live']);

  const csr = await makeCsr();
  const res = await h.tcp('svid', agent).call('BatchNewX509SVID', {
    params: [
      { entry_id: 'expired-admin', csr: csr.der },
      { entry_id: 'live', csr: csr.der },
    ],
  });
  assert.deepEqual(res.results[0].status, { code: 5, message: 'entry not found or not authorized' });
  assert.equal(res.results[0].svid, null);
  assert.deepEqual(res.results[1].status, { code: 0, message: 'OK' });

  await assert.rejects(h.tcp('svid', agent).call('NewJWTSVID', { entry_id: 'expired-admin', audience: ['a'] }), {
    code: 5,
    details: 'entry not found or not authorized',
  });
});
