import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../spiffeid/index.js';
import { FakeServerCA } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
const refreshed: string[] = [];
before(async () => {
  h = await startHarness({
    bundleRefresher: {
      async refreshBundle(td: string) {
        if (td !== 'one.org') throw Object.assign(new Error('no relationship'), { code: 5 });
        refreshed.push(td);
      },
    },
  });
});
after(async () => h.close());

test('federation relationships: create, get, list, update and delete with per-item status', async () => {
  const c = h.local('trustDomain');
  const root = Buffer.from((await FakeServerCA.create(TrustDomain.parse('one.org'))).root.certDer);
  const res = await c.call('BatchCreateFederationRelationship', {
    federation_relationships: [
      { trust_domain: 'one.org', bundle_endpoint_url: 'https://one.org/bundle', https_web: {} },
      {
        trust_domain: 'two.org',
        bundle_endpoint_url: 'https://two.org:8443',
        https_spiffe: { endpoint_spiffe_id: 'spiffe://two.org/spire/server' },
        trust_domain_bundle: { trust_domain: 'two.org', x509_authorities: [{ asn1: root }] },
      },
      { trust_domain: 'example.org', bundle_endpoint_url: 'https://x', https_web: {} },
      { trust_domain: 'three.org', bundle_endpoint_url: 'http://three.org', https_web: {} },
      { trust_domain: 'four.org', bundle_endpoint_url: 'https://four.org' },
      { trust_domain: 'five.org', bundle_endpoint_url: 'https://five.org', https_web: {}, trust_domain_bundle: { trust_domain: 'other.org', x509_authorities: [] } },
    ],
  });
  const st = res.results.map((r: { status: unknown }) => r.status);
  assert.deepEqual(st[0], { code: 0, message: 'OK' });
  assert.deepEqual(st[1], { code: 0, message: 'OK' });
  assert.deepEqual(st[2], { code: 3, message: 'unable to create federation relationship for server trust domain' });
  assert.deepEqual(st[3], { code: 3, message: 'failed to convert federation relationship: bundle endpoint URL must use the https scheme' });
  assert.deepEqual(st[4], { code: 3, message: 'failed to convert federation relationship: unsupported bundle endpoint profile type: <nil>' });
  assert.deepEqual(st[5], {
    code: 3,
    message: 'failed to convert federation relationship: trust domain bundle ("other.org") must match the trust domain of the federation relationship ("five.org")',
  });
  assert.equal(res.results[1].federation_relationship.https_spiffe.endpoint_spiffe_id, 'spiffe://two.org/spire/server');
  assert.equal(res.results[1].federation_relationship.trust_domain_bundle.x509_authorities.length, 1);

  const got = await c.call('GetFederationRelationship', { trust_domain: 'one.org' });
  assert.equal(got.bundle_endpoint_profile, 'https_web');
  await assert.rejects(c.call('GetFederationRelationship', { trust_domain: 'zzz.org' }), { code: 5, details: 'federation relationship does not exist' });
  await assert.rejects(c.call('GetFederationRelationship', { trust_domain: 'Bad!' }), { code: 3 });

  const page1 = await c.call('ListFederationRelationships', { page_size: 1 });
  assert.equal(page1.federation_relationships.length, 1);
  const page2 = await c.call('ListFederationRelationships', { page_size: 1, page_token: page1.next_page_token });
  assert.equal(page2.federation_relationships.length, 1);
  assert.notEqual(page2.federation_relationships[0].trust_domain, page1.federation_relationships[0].trust_domain);

  const upd = await c.call('BatchUpdateFederationRelationship', {
    federation_relationships: [{ trust_domain: 'one.org', bundle_endpoint_url: 'https://one.org/v2' }, { trust_domain: 'nope.org', bundle_endpoint_url: 'https://n' }],
    input_mask: { bundle_endpoint_url: true },
  });
  assert.equal(upd.results[0].federation_relationship.bundle_endpoint_url, 'https://one.org/v2');
  assert.equal(upd.results[0].federation_relationship.bundle_endpoint_profile, 'https_web', 'profile kept: not in the input mask');
  assert.equal(upd.results[1].status.code, 5);

  const del = await c.call('BatchDeleteFederationRelationship', { trust_domains: ['two.org', 'two.org', ''] });
  assert.deepEqual(
    del.results.map((r: { status: unknown }) => r.status),
    [
      { code: 0, message: 'OK' },
      { code: 5, message: 'federation relationship not found' },
      { code: 3, message: 'missing trust domain' },
    ],
  );
});

test('RefreshBundle calls the refresher once; unknown relationships are NotFound', async () => {
  const c = h.local('trustDomain');
  await c.call('RefreshBundle', { trust_domain: 'one.org' });
  assert.deepEqual(refreshed, ['one.org']);
  await assert.rejects(c.call('RefreshBundle', { trust_domain: 'zzz.org' }), { code: 5, details: 'no relationship with trust domain "zzz.org"' });
  await assert.rejects(c.call('RefreshBundle', { trust_domain: '' }), { code: 3 });
});
