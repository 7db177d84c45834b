import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { startHarness, type Harness } from '../../api/testing/harness.js';
import { FederationManager } from './federation-manager.js';
import { bundleDocument, FakeTimers, PeerCA, PeerEndpoint, waitFor } from './test-support/peer.js';

// The manager behind the TrustDomain API: writes make it re-read relationships at once, and
// RefreshBundle goes through it.
let h: Harness;
let m: FederationManager;
let fed: PeerCA;
let endpoint: PeerEndpoint;
const timers = new FakeTimers();
const lines = (msg: string) => h.logs.lines.filter((l) => l.msg === msg && l.subsystem_name === 'bundle_client');

before(async () => {
  h = await startHarness({
    // The manager needs the harness's store, so the API gets a forwarder made before it.
    bundleRefresher: { refreshBundle: (td) => m.refreshBundle(td), triggerConfigReload: () => m.triggerConfigReload() },
  });
  m = new FederationManager({ dataStore: h.ds, log: h.logs.logger, timers });
  await m.start();
  fed = await PeerCA.create('fed.org');
  endpoint = await PeerEndpoint.start(await fed.issue({ uri: 'spiffe://fed.org/spire/server' }));
  const jwt = createPublicKey(fed.root.keyPem).export({ format: 'der', type: 'spki' });
  endpoint.serve(bundleDocument({ ...fed.bundle(60, 3), jwtSigningKeys: [{ pkixBytes: new Uint8Array(jwt), kid: 'fed-kid', notAfter: 0, taintedKey: false }] }));
});
after(async () => {
  await m.stop();
  await endpoint.close();
  await h.close();
});

test('BatchCreate: the new relationship is managed and polled at once, its trust_domain_bundle bootstrapping https_spiffe', async () => {
  await h.local('trustDomain').call('BatchCreateFederationRelationship', {
    federation_relationships: [
      {
        trust_domain: 'fed.org',
        bundle_endpoint_url: endpoint.url,
        https_spiffe: { endpoint_spiffe_id: 'spiffe://fed.org/spire/server' },
        trust_domain_bundle: { trust_domain: 'fed.org', x509_authorities: [{ asn1: Buffer.from(fed.root.der) }], sequence_number: 1 },
      },
    ],
  });
  await waitFor(() => lines('Bundle refreshed').length === 1, 'the first poll');
  const managed = lines('Trust domain is now managed')[0]!;
  assert.deepEqual([managed.trust_domain, managed.bundle_endpoint_url, managed.bundle_endpoint_profile], ['fed.org', endpoint.url, 'https_spiffe']);
  const b = await h.local('bundle').call('GetFederatedBundle', { trust_domain: 'fed.org' });
  assert.equal(b.sequence_number, 3);
  assert.equal(b.refresh_hint, 60);
  assert.deepEqual(b.jwt_authorities.map((k: { key_id: string }) => k.key_id), ['fed-kid']);
});

test('RefreshBundle fetches once; an endpoint presenting another ID is refused and nothing is stored', async () => {
  const c = h.local('trustDomain');
  const requests = endpoint.requests;
  await c.call('RefreshBundle', { trust_domain: 'fed.org' });
  assert.equal(endpoint.requests, requests + 1);
  await c.call('BatchUpdateFederationRelationship', {
    federation_relationships: [{ trust_domain: 'fed.org', bundle_endpoint_url: endpoint.url, https_spiffe: { endpoint_spiffe_id: 'spiffe://fed.org/somebody-else' } }],
    input_mask: { bundle_endpoint_profile: true },
  });
  await waitFor(() => lines('Updated configuration for managed trust domain').length === 1, 'the reload after the update');
  assert.equal(lines('Updated configuration for managed trust domain')[0]!.trust_domain, 'fed.org');
  const before = await h.ds.fetchBundle('spiffe://fed.org');
  await assert.rejects(c.call('RefreshBundle', { trust_domain: 'fed.org' }), (e: { code: number; details: string }) => {
    assert.equal(e.code, 13);
    assert.match(e.details, /^failed to refresh bundle: failed to fetch bundle from https:\/\/127\.0\.0\.1:\d+\/: unexpected ID "spiffe:\/\/fed\.org\/spire\/server"; expected "spiffe:\/\/fed\.org\/somebody-else"$/);
    return true;
  });
  assert.deepEqual(await h.ds.fetchBundle('spiffe://fed.org'), before);
});

test('https_web uses the system roots: a peer CA nobody configured is refused', async () => {
  await h.ds.createFederationRelationship({ trustDomain: 'web.org', bundleEndpointUrl: endpoint.url.replace('127.0.0.1', 'localhost'), bundleEndpointProfile: 'https_web' });
  await assert.rejects(h.local('trustDomain').call('RefreshBundle', { trust_domain: 'web.org' }), (e: { code: number; details: string }) => {
    assert.equal(e.code, 13);
    assert.match(e.details, /^failed to refresh bundle: failed to fetch bundle from https:\/\/localhost:\d+\/: (unable to verify the first certificate|unable to get local issuer certificate)$/);
    return true;
  });
  assert.equal(await h.ds.fetchBundle('spiffe://web.org'), undefined);
});

test('BatchDelete: no longer managed nor polled; RefreshBundle then answers NOT_FOUND', async () => {
  await h.local('trustDomain').call('BatchDeleteFederationRelationship', { trust_domains: ['fed.org'] });
  await waitFor(() => lines('No longer polling for updates').length === 1, 'the updater to stop');
  assert.equal(lines('Trust domain no longer managed')[0]!.trust_domain, 'fed.org');
  assert.ok(!m.managedTrustDomains().includes('fed.org'));
  const requests = endpoint.requests;
  timers.advance(3600_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(endpoint.requests, requests);
  await assert.rejects(h.local('trustDomain').call('RefreshBundle', { trust_domain: 'fed.org' }), { code: 5, details: 'no relationship with trust domain "fed.org"' });
});
