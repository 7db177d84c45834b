import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeCsr } from './ports.fake.js';
import { PerIpLimiter, rateLimits } from './rate-limit.js';
import { startHarness, type Harness } from './testing/harness.js';

test('per-IP limiter: a burst of `limit`, then callers wait; IPs are independent', () => {
  let now = 0;
  const l = new PerIpLimiter(1, () => now);
  assert.equal(l.reserve('1.2.3.4', 1), 0);
  assert.equal(l.reserve('1.2.3.4', 1), 1000, 'second attestation within a second waits a second');
  assert.equal(l.reserve('5.6.7.8', 1), 0, 'another IP has its own bucket');
  now = 3000;
  assert.equal(l.reserve('1.2.3.4', 1), 0, 'refilled');
  const s = new PerIpLimiter(500, () => now);
  assert.equal(s.reserve('ip', 500), 0);
  assert.equal(s.reserve('ip', 250), 500);
  assert.throws(() => s.reserve('ip', 501), { code: 8, message: 'rate (501) exceeds burst size (500)' });
});

test('ratelimit switches: attestation and signing can be turned off', () => {
  const on = rateLimits({ attestation: true, signing: true });
  assert.ok(on.has('/spire.api.server.agent.v1.Agent/AttestAgent'));
  assert.ok(on.has('/spire.api.server.svid.v1.SVID/BatchNewX509SVID'));
  assert.ok(on.has('/spire.api.server.svid.v1.SVID/NewJWTSVID'));
  const off = rateLimits({ attestation: false, signing: false });
  assert.ok(!off.has('/spire.api.server.agent.v1.Agent/AttestAgent'));
  assert.ok(!off.has('/spire.api.server.svid.v1.SVID/BatchNewX509SVID'));
  assert.equal(on.get('/spire.api.server.svid.v1.SVID/BatchNewX509SVID')!.count({ params: [1, 2, 3] }), 3);
});

let h: Harness;
before(async () => {
  h = await startHarness();
  await h.ds.createAttestedNode({
    spiffeId: 'spiffe://example.org/spire/agent/x/rl',
    attestationDataType: 'x',
    certSerialNumber: 'pending',
    certNotAfter: 0,
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: false,
    agentVersion: '',
    selectors: [],
  });
});
after(async () => h.close());

test('a signing batch of more than 500 gets ResourceExhausted over TCP', async () => {
  const svid = await h.ca.issue('spiffe://example.org/spire/agent/x/rl');
  const n = (await h.ds.fetchAttestedNode('spiffe://example.org/spire/agent/x/rl'))!;
  await h.ds.updateAttestedNode({ ...n, certSerialNumber: svid.serial }, { certSerialNumber: true });
  const csr = (await makeCsr()).der;
  const params = Array.from({ length: 501 }, () => ({ entry_id: 'e', csr }));
  await assert.rejects(h.tcp('svid', svid).call('BatchNewX509SVID', { params }), { code: 8, details: 'rate (501) exceeds burst size (500)' });
  const ok = await h.tcp('svid', svid).call('BatchNewX509SVID', { params: params.slice(0, 3) });
  assert.deepEqual(ok.results.map((r: { status: { code: number } }) => r.status.code), [5, 5, 5]);
});
