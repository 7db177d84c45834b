import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { FAILED_ROTATION_THRESHOLD, caRotatorCheck, serverApiCheck, serverCaCheck } from './server-health.js';

test("server.ca signs for spiffe://<td>/for/health/check/only and reports a failure as sign_x509_svid_err", async () => {
  const seen: string[] = [];
  const ok = serverCaCheck('example.org', async (req) => {
    seen.push(req.spiffeId);
    assert.equal(createPublicKey({ key: Buffer.from(req.publicKey), format: 'der', type: 'spki' }).asymmetricKeyDetails?.namedCurve, 'prime256v1');
    return [];
  });
  assert.deepEqual(await ok(), { live: true, ready: true });
  assert.deepEqual(seen, ['spiffe://example.org/for/health/check/only']);
  const bad = serverCaCheck('example.org', async () => {
    throw new Error('no active X509 CA');
  });
  assert.deepEqual(await bad(), { live: false, ready: false, details: { sign_x509_svid_err: 'no active X509 CA' } });
});

test('server reports an admin socket that does not answer as get_bundle_err', async () => {
  const r = await serverApiCheck('/nonexistent/dir/api.sock')();
  assert.equal(r.live, false);
  assert.equal(r.ready, false);
  assert.match(String((r.details as { get_bundle_err: string }).get_bundle_err), /UNAVAILABLE|No connection/);
});

test("server.ca.rotator: healthy up to SPIRE's ten failed rotations, then neither live nor ready for good", async () => {
  let failures = 0;
  const check = caRotatorCheck(() => failures);
  assert.deepEqual(await check(), { live: true, ready: true });
  failures = FAILED_ROTATION_THRESHOLD;
  assert.deepEqual(await check(), { live: true, ready: true });
  failures++;
  assert.deepEqual(await check(), { live: false, ready: false, details: { rotation_err: 'rotations exceed the threshold number of failures' } });
});
