import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TrustDomain } from '../spiffeid/index.js';
import { HttpsBundleRefresher } from './bundle-refresher.js';
import { FakeServerCA } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let fed: FakeServerCA;
let server: Server;
let url: string;

before(async () => {
  h = await startHarness();
  fed = await FakeServerCA.create(TrustDomain.parse('fed.org'));
  const endpoint = await fed.issue('spiffe://fed.org/spire/server', { dnsNames: ['localhost'] });
  const jwk = createPublicKey({ key: Buffer.from(await fed.jwtPublicKeyDer()), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const doc = JSON.stringify({
    keys: [
      { use: 'x509-svid', kty: 'EC', x5c: [Buffer.from(fed.root.certDer).toString('base64')] },
      { use: 'jwt-svid', kid: 'fed-kid', ...jwk },
    ],
    spiffe_sequence: 3,
    spiffe_refresh_hint: 60,
  });
  server = createServer({ cert: endpoint.certPem, key: endpoint.keyPem }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(doc);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // Bootstrap bundle for the https_spiffe endpoint, as an operator sets it with `bundle set`.
  await h.ds.setBundle({ trustDomainId: 'spiffe://fed.org', rootCas: [{ derBytes: fed.root.certDer, taintedKey: false }], jwtSigningKeys: [], refreshHint: 0, sequenceNumber: 1 });
});
after(async () => {
  server.close();
  await h.close();
});

test('RefreshBundle fetches an https_spiffe endpoint once and stores its bundle', async () => {
  const c = h.local('trustDomain');
  await c.call('BatchCreateFederationRelationship', {
    federation_relationships: [{ trust_domain: 'fed.org', bundle_endpoint_url: url, https_spiffe: { endpoint_spiffe_id: 'spiffe://fed.org/spire/server' } }],
  });
  await c.call('RefreshBundle', { trust_domain: 'fed.org' });
  const b = await h.local('bundle').call('GetFederatedBundle', { trust_domain: 'fed.org' });
  assert.equal(b.sequence_number, 3);
  assert.equal(b.refresh_hint, 60);
  assert.deepEqual(b.jwt_authorities.map((k: { key_id: string }) => k.key_id), ['fed-kid']);
});

test('an https_spiffe endpoint presenting another ID is refused and nothing is stored', async () => {
  const c = h.local('trustDomain');
  await c.call('BatchUpdateFederationRelationship', {
    federation_relationships: [{ trust_domain: 'fed.org', bundle_endpoint_url: url, https_spiffe: { endpoint_spiffe_id: 'spiffe://fed.org/somebody-else' } }],
    input_mask: { bundle_endpoint_profile: true },
  });
  const before = await h.ds.fetchBundle('spiffe://fed.org');
  await assert.rejects(c.call('RefreshBundle', { trust_domain: 'fed.org' }), (e: { code: number; details: string }) => {
    assert.equal(e.code, 13);
    assert.match(e.details, /^failed to refresh bundle: failed to fetch bundle from https:\/\/127\.0\.0\.1:\d+\/: unexpected ID "spiffe:\/\/fed\.org\/spire\/server"; expected "spiffe:\/\/fed\.org\/somebody-else"$/);
    return true;
  });
  assert.deepEqual(await h.ds.fetchBundle('spiffe://fed.org'), before);
});

test('https_web uses Web PKI roots', async () => {
  await h.ds.createFederationRelationship({ trustDomain: 'web.org', bundleEndpointUrl: url.replace('127.0.0.1', 'localhost'), bundleEndpointProfile: 'https_web' });
  await assert.rejects(new HttpsBundleRefresher(h.ds).refreshBundle('web.org'), { code: 14 });
  await new HttpsBundleRefresher(h.ds, { webRoots: [fed.root.certPem] }).refreshBundle('web.org');
  assert.equal((await h.ds.fetchBundle('spiffe://web.org'))!.sequenceNumber, 3);
});
