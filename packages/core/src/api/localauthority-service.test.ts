import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeUpstreamRotation } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

for (const kind of ['X509', 'JWT'] as const) {
  const prefix = kind === 'X509' ? 'x509' : 'jwt';
  const label = kind === 'X509' ? 'X.509' : 'JWT';
  test(`${kind} authority: state, prepare, activate, taint, revoke with slot checks`, async () => {
    const c = h.local('localAuthority');
    const s0 = await c.call(`Get${kind}AuthorityState`, {});
    assert.deepEqual(s0.active, { authority_id: `${prefix}-1`, expires_at: 2_000_000_000, upstream_authority_subject_key_id: '' });
    assert.equal(s0.prepared, null);
    await assert.rejects(c.call(`Activate${kind}Authority`, { authority_id: '' }), { code: 3, details: 'no authority ID provided' });
    await assert.rejects(c.call(`Activate${kind}Authority`, { authority_id: 'nope' }), { code: 3, details: 'unexpected authority ID' });
    const p = await c.call(`Prepare${kind}Authority`, {});
    assert.equal(p.prepared_authority.authority_id, `${prefix}-2`);
    await assert.rejects(c.call(`Taint${kind}Authority`, { authority_id: `${prefix}-1` }), { code: 3, details: 'unable to taint current local authority' });
    await assert.rejects(c.call(`Taint${kind}Authority`, { authority_id: `${prefix}-2` }), {
      code: 3,
      details: 'only Old local authorities can be tainted: unsupported local authority status: PREPARED',
    });
    const a = await c.call(`Activate${kind}Authority`, { authority_id: `${prefix}-2` });
    assert.equal(a.activated_authority.authority_id, `${prefix}-2`);
    const s1 = await c.call(`Get${kind}AuthorityState`, {});
    assert.equal(s1.old.authority_id, `${prefix}-1`);
    await assert.rejects(c.call(`Revoke${kind}Authority`, { authority_id: `${prefix}-2` }), { code: 3, details: 'invalid authority ID: unable to use current authority' });
    // The CA refuses to revoke an untainted authority; the API reports it as Internal with the cause.
    await assert.rejects(c.call(`Revoke${kind}Authority`, { authority_id: `${prefix}-1` }), {
      code: 13,
      details: `failed to revoke ${label} authority: it is not possible to revoke an untainted authority`,
    });
    const t = await c.call(`Taint${kind}Authority`, { authority_id: `${prefix}-1` });
    assert.equal(t.tainted_authority.authority_id, `${prefix}-1`);
    const r = await c.call(`Revoke${kind}Authority`, { authority_id: `${prefix}-1` });
    assert.equal(r.revoked_authority.authority_id, `${prefix}-1`);
    assert.equal((await c.call(`Get${kind}AuthorityState`, {})).old, null);
  });
}

test('upstream authority RPCs need an UpstreamAuthority', async () => {
  const c = h.local('localAuthority');
  await assert.rejects(c.call('TaintX509UpstreamAuthority', { subject_key_id: 'ab' }), { code: 9, details: 'upstream authority is not configured' });
  await assert.rejects(c.call('RevokeX509UpstreamAuthority', { subject_key_id: 'ab' }), { code: 9, details: 'upstream authority is not configured' });
  const upstream = new FakeUpstreamRotation(h.ca.x509Authority);
  h.ca.upstreamAuthority = upstream;
  h.ca.x509Authority.slots = {
    active: { authorityId: 'x-a', expiresAt: 1, upstreamAuthoritySubjectKeyId: 'aaaa' },
    old: { authorityId: 'x-o', expiresAt: 1, upstreamAuthoritySubjectKeyId: 'bbbb' },
  };
  try {
    await assert.rejects(c.call('TaintX509UpstreamAuthority', { subject_key_id: 'AAAA' }), {
      code: 3,
      details: 'provided subject key id is not valid: unable to use upstream authority singing current authority',
    });
    assert.deepEqual(await c.call('TaintX509UpstreamAuthority', { subject_key_id: 'BBBB' }), { upstream_authority_subject_key_id: 'bbbb' });
    assert.deepEqual(upstream.tainted, ['bbbb']);
    await assert.rejects(c.call('TaintX509Authority', { authority_id: 'x-o' }), { code: 9, details: "local authority can't be tainted if there is an upstream authority" });
  } finally {
    h.ca.upstreamAuthority = undefined;
  }
});

test('WIT authority RPCs are Unimplemented, as in SPIRE', async () => {
  await assert.rejects(h.local('localAuthority').call('GetWITAuthorityState', {}), { code: 12, details: 'WIT-SVID functionality is not yet implemented' });
});
