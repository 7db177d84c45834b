import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TrustDomain } from '../spiffeid/index.js';
import { bundleFromSpiffeJson, entriesFromDataJson } from './convert/cli-json.js';
import { FakeServerCA } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

// Fixtures stay in src/ (they are not compiled); this file runs from dist/.
const fixture = (name: string) => readFile(new URL(`../../src/api/testing/fixtures/${name}`, import.meta.url), 'utf8');

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

test('`spire-server entry create -data` JSON goes through BatchCreateEntry with a status per entry', async () => {
  const partner = await FakeServerCA.create(TrustDomain.parse('partner.test'));
  await h.local('bundle').call('BatchSetFederatedBundle', { bundle: [{ trust_domain: 'partner.test', x509_authorities: [{ asn1: Buffer.from(partner.root.certDer) }] }] });
  const entries = entriesFromDataJson(await fixture('entries-data.json'));
  assert.equal(entries.length, 4);
  assert.deepEqual(entries[0]!.federates_with, ['partner.test']);
  const res = await h.local('entry').call('BatchCreateEntry', { entries });
  assert.deepEqual(
    res.results.map((r: { status: unknown }) => r.status),
    [
      { code: 0, message: 'OK' },
      { code: 0, message: 'OK' },
      { code: 0, message: 'OK' },
      { code: 3, message: 'failed to convert entry: selector list is empty' },
    ],
  );
  const [api, report, edge] = res.results.map((r: { entry: Record<string, unknown> }) => r.entry);
  assert.deepEqual(api.spiffe_id, { trust_domain: 'example.org', path: '/payments/api' });
  assert.equal(api.x509_svid_ttl, 1800);
  assert.equal(api.jwt_svid_ttl, 120);
  assert.deepEqual(api.dns_names, ['api.payments.svc']);
  assert.deepEqual(api.federates_with, ['partner.test']);
  assert.equal(api.hint, 'payments');
  assert.equal(report.x509_svid_ttl, 600, 'old files carry one ttl');
  assert.equal(report.admin, true);
  assert.equal(report.expires_at, 4102444800);
  assert.equal(report.store_svid, true);
  assert.equal(edge.downstream, true);
  assert.deepEqual(edge.additional_attributes, { disable_x509_svid_prefetch: false, jwt_svid_include_jti: true });
  const count = await h.local('entry').call('CountEntries', {});
  assert.equal(count.count, 3);
});

test('-data JSON errors name the entry and field', () => {
  assert.throws(() => entriesFromDataJson('{"entries":[{"spiffe_id":"http://x"}]}'), { message: 'entries[0].spiffe_id: scheme is missing or invalid' });
  assert.throws(() => entriesFromDataJson('{"entries":[{"federates_with":["spiffe://A"]}]}'), { message: /^entries\[0\]\.federates_with\[0\]: / });
  assert.throws(() => entriesFromDataJson('[]'), { message: 'expected an object with an "entries" list' });
  assert.throws(() => entriesFromDataJson('{'), { message: /^invalid JSON: / });
});

test('a SPIFFE bundle (JWKS) goes through BatchSetFederatedBundle', async () => {
  const fed = await FakeServerCA.create(TrustDomain.parse('jwks.test'));
  const jwk = createPublicKey({ key: Buffer.from(await fed.jwtPublicKeyDer()), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const doc = {
    keys: [
      { use: 'x509-svid', kty: 'EC', crv: 'P-256', x: 'unused', y: 'unused', x5c: [Buffer.from(fed.root.certDer).toString('base64')] },
      { use: 'jwt-svid', kid: 'kid-1', ...jwk },
    ],
    spiffe_refresh_hint: 300,
    spiffe_sequence: 7,
  };
  const bundle = bundleFromSpiffeJson(JSON.stringify(doc), 'jwks.test');
  const res = await h.local('bundle').call('BatchSetFederatedBundle', { bundle: [bundle] });
  assert.deepEqual(res.results[0].status, { code: 0, message: 'OK' });
  const got = await h.local('bundle').call('GetFederatedBundle', { trust_domain: 'jwks.test' });
  assert.equal(got.refresh_hint, 300);
  assert.equal(got.sequence_number, 7);
  assert.equal(got.x509_authorities.length, 1);
  assert.deepEqual(got.jwt_authorities.map((k: { key_id: string }) => k.key_id), ['kid-1']);
  assert.throws(() => bundleFromSpiffeJson('{"keys":[{"use":"jwt-svid"}]}', 'x.test'), { message: 'keys[0]: a jwt-svid key must have a kid' });
});
