import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../spiffeid/index.js';
import { FakeServerCA } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let fedRoot: Buffer;
let jwtKey: Buffer;
before(async () => {
  h = await startHarness();
  fedRoot = Buffer.from((await FakeServerCA.create(TrustDomain.parse('fed.org'))).root.certDer);
  jwtKey = Buffer.from(await h.ca.jwtPublicKeyDer());
});
after(async () => h.close());

const fed = (td: string, extra: object = {}) => ({ trust_domain: td, x509_authorities: [{ asn1: fedRoot }], refresh_hint: 60, ...extra });

test('GetBundle with an output mask; CountBundles', async () => {
  const c = h.local('bundle');
  const masked = await c.call('GetBundle', { output_mask: { refresh_hint: true } });
  assert.equal(masked.trust_domain, 'example.org');
  assert.deepEqual(masked.x509_authorities, []);
  assert.equal((await c.call('CountBundles', {})).count, 1);
});

test('AppendBundle validates authorities and appends', async () => {
  const c = h.local('bundle');
  await assert.rejects(c.call('AppendBundle', {}), { code: 3, details: 'no authorities to append' });
  await assert.rejects(c.call('AppendBundle', { x509_authorities: [{ asn1: Buffer.from('junk') }] }), (e: { code: number; details: string }) => {
    assert.equal(e.code, 3);
    assert.match(e.details, /^failed to convert X\.509 authority: /);
    return true;
  });
  await assert.rejects(c.call('AppendBundle', { jwt_authorities: [{ public_key: jwtKey, key_id: '' }] }), { code: 3, details: 'failed to convert JWT authority: missing key ID' });
  const b = await c.call('AppendBundle', { jwt_authorities: [{ public_key: jwtKey, key_id: 'k1', expires_at: 1 }] });
  assert.deepEqual(b.jwt_authorities.map((k: { key_id: string }) => k.key_id), ['k1']);
  assert.equal(b.x509_authorities.length, 1);
});

test('federated bundles: batch create, update, set and delete, each item on its own', async () => {
  const c = h.local('bundle');
  const created = await c.call('BatchCreateFederatedBundle', {
    bundle: [fed('fed.org'), fed('fed.org'), fed('example.org'), fed('NOT VALID'), fed('bad.org', { x509_authorities: [{ asn1: Buffer.from([1, 2, 3]) }] })],
  });
  const st = created.results.map((r: { status: { code: number; message: string } }) => r.status);
  assert.deepEqual(st[0], { code: 0, message: 'OK' });
  assert.deepEqual(st[1], { code: 6, message: 'bundle already exists' });
  assert.deepEqual(st[2], { code: 3, message: "creating a federated bundle for the server's own trust domain is not allowed" });
  assert.equal(st[3].code, 3);
  assert.match(st[3].message, /^trust domain argument is not valid: /);
  assert.equal(st[4].code, 3);
  assert.match(st[4].message, /^failed to convert bundle: unable to parse X\.509 authority: /);
  assert.equal(created.results[0].bundle.refresh_hint, 60);

  const got = await c.call('GetFederatedBundle', { trust_domain: 'fed.org' });
  assert.equal(got.x509_authorities.length, 1);
  await assert.rejects(c.call('GetFederatedBundle', { trust_domain: 'example.org' }), {
    code: 3,
    details: "getting a federated bundle for the server's own trust domain is not allowed",
  });
  await assert.rejects(c.call('GetFederatedBundle', { trust_domain: 'nope.org' }), { code: 5, details: 'bundle not found' });

  const upd = await c.call('BatchUpdateFederatedBundle', { bundle: [fed('fed.org', { refresh_hint: 99 }), fed('missing.org')], input_mask: { refresh_hint: true } });
  assert.equal(upd.results[0].bundle.refresh_hint, 99);
  assert.deepEqual(upd.results[1].status, { code: 5, message: 'bundle not found' });

  const set = await c.call('BatchSetFederatedBundle', { bundle: [fed('set.org')] });
  assert.deepEqual(set.results[0].status, { code: 0, message: 'OK' });

  const list = await c.call('ListFederatedBundles', {});
  assert.deepEqual(list.bundles.map((b: { trust_domain: string }) => b.trust_domain).sort(), ['fed.org', 'set.org']);

  const del = await c.call('BatchDeleteFederatedBundle', { trust_domains: ['set.org', 'set.org', 'example.org'] });
  assert.deepEqual(del.results.map((r: { status: { code: number } }) => r.status.code), [0, 5, 3]);
  await assert.rejects(c.call('BatchDeleteFederatedBundle', { trust_domains: ['fed.org'], mode: 7 }), {
    code: 3,
    details: 'failed to parse deletion mode: unknown deletion mode 7',
  });
});

test('BatchDeleteFederatedBundle honours RESTRICT, DISSOCIATE and DELETE', async () => {
  const c = h.local('bundle');
  await c.call('BatchCreateFederatedBundle', { bundle: [fed('r.org')] });
  const e = await h.local('entry').call('BatchCreateEntry', {
    entries: [
      {
        spiffe_id: { trust_domain: 'example.org', path: '/fw' },
        parent_id: { trust_domain: 'example.org', path: '/p' },
        selectors: [{ type: 'a', value: 'b' }],
        federates_with: ['r.org'],
      },
    ],
  });
  assert.deepEqual(e.results[0].entry.federates_with, ['r.org']);
  const restricted = await c.call('BatchDeleteFederatedBundle', { trust_domains: ['r.org'], mode: 'RESTRICT' });
  assert.equal(restricted.results[0].status.code, 9);
  const dissociated = await c.call('BatchDeleteFederatedBundle', { trust_domains: ['r.org'], mode: 'DISSOCIATE' });
  assert.equal(dissociated.results[0].status.code, 0);
  const after = await h.local('entry').call('GetEntry', { id: e.results[0].entry.id });
  assert.deepEqual(after.federates_with, []);

  await c.call('BatchCreateFederatedBundle', { bundle: [fed('d.org')] });
  const e2 = await h.local('entry').call('BatchCreateEntry', {
    entries: [{ spiffe_id: { trust_domain: 'example.org', path: '/fw2' }, parent_id: { trust_domain: 'example.org', path: '/p' }, selectors: [{ type: 'a', value: 'b' }], federates_with: ['d.org'] }],
  });
  const deleted = await c.call('BatchDeleteFederatedBundle', { trust_domains: ['d.org'], mode: 'DELETE' });
  assert.equal(deleted.results[0].status.code, 0);
  await assert.rejects(h.local('entry').call('GetEntry', { id: e2.results[0].entry.id }), { code: 5 });
});
