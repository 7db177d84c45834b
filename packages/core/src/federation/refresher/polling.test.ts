import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustDomain } from '../../spiffeid/index.js';
import { bundleDocument, PeerEndpoint, waitFor } from './test-support/peer.js';
import { refresherFixture, spiffePeer, type RefresherFixture } from './test-support/fixture.js';

let f: RefresherFixture;
before(async () => {
  f = await refresherFixture();
});
after(() => f.close());

test('stored and static relationships are merged; server.conf wins for the same trust domain', async () => {
  const a = await spiffePeer('merge-a.test');
  const b = await spiffePeer('merge-b.test');
  for (const p of [a, b]) {
    p.endpoint.serve(bundleDocument(p.ca.bundle()));
    await f.ds.setBundle(p.ca.bundle(300, 0));
  }
  await f.ds.createFederationRelationship({ trustDomain: 'merge-a.test', bundleEndpointUrl: 'https://stored.invalid/', bundleEndpointProfile: 'https_web' });
  await f.ds.createFederationRelationship({ trustDomain: 'merge-b.test', bundleEndpointUrl: b.endpoint.url, bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: b.endpointId });
  const m = f.manager({ federatesWith: [a.federatesWith] });
  await m.start();
  assert.deepEqual(m.managedTrustDomains(), ['merge-a.test', 'merge-b.test']);
  const managedA = f.lines('Trust domain is now managed').find((l) => l.trust_domain === 'merge-a.test')!;
  assert.deepEqual([managedA.bundle_endpoint_url, managedA.bundle_endpoint_profile], [a.endpoint.url, 'https_spiffe']);
  await f.waitLog('Bundle refreshed', 'merge-a.test');
  await f.waitLog('Bundle refreshed', 'merge-b.test');
  assert.equal(a.endpoint.requests, 1);
  await m.stop();
  await a.endpoint.close();
  await b.endpoint.close();
});

test('stored only when changed; the next poll follows the hint of what was fetched or stored', async () => {
  const p = await spiffePeer('change.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle(120, 5)));
  await f.ds.setBundle(p.ca.bundle(300, 1));
  let writes = 0;
  const ds = new Proxy(f.ds, {
    get: (t, k) => (k === 'setBundle' ? (...a: Parameters<typeof t.setBundle>) => (writes++, t.setBundle(...a)) : Reflect.get(t, k)),
  });
  const m = f.manager({ dataStore: ds, federatesWith: [p.federatesWith] });
  await m.start();
  await f.waitLog('Scheduling next bundle refresh', 'change.test');
  assert.equal(writes, 1);
  assert.equal((await f.ds.fetchBundle('spiffe://change.test'))!.sequenceNumber, 5);
  // The fetched hint, 120 s / 4, from now.
  const at = f.lines('Scheduling next bundle refresh', 'change.test')[0]!.at;
  assert.equal(at, new Date(f.timers.now() + 30_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  f.timers.advance(30_000);
  await f.waitLog('Scheduling next bundle refresh', 'change.test', 2);
  assert.equal(writes, 1, 'the same bundle again is not written');
  assert.equal(f.lines('Bundle refreshed', 'change.test').length, 1);
  assert.equal(p.endpoint.requests, 2);
  await m.stop();
  assert.equal(f.lines('No longer polling for updates', 'change.test').length, 1);
  assert.equal(f.lines('Shutting down').length >= 1, true);
  await p.endpoint.close();
});

test('with no stored copy and a failing endpoint the next poll is in one minute', async () => {
  const m = f.manager({ federatesWith: [{ trustDomain: TrustDomain.parse('none.test'), bundleEndpointUrl: 'https://127.0.0.1:1/', profile: { type: 'https_web' } }] });
  await m.start();
  await f.waitLog('Scheduling next bundle refresh', 'none.test');
  assert.match(String(f.lines('Error updating bundle', 'none.test')[0]!.error), /^failed to fetch bundle from https:\/\/127\.0\.0\.1:1\/: connect ECONNREFUSED/);
  assert.equal(f.lines('Scheduling next bundle refresh', 'none.test')[0]!.at, new Date(f.timers.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await m.stop();
});

test('a stored relationship is picked up by the 10 s reload without a trigger', async () => {
  const p = await spiffePeer('later.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle()));
  const m = f.manager();
  await m.start();
  await f.ds.setBundle(p.ca.bundle(300, 0));
  await f.ds.createFederationRelationship({ trustDomain: 'later.test', bundleEndpointUrl: p.endpoint.url, bundleEndpointProfile: 'https_spiffe', endpointSpiffeId: p.endpointId });
  assert.ok(!m.managedTrustDomains().includes('later.test'));
  f.timers.advance(10_000);
  await f.waitLog('Bundle refreshed', 'later.test');
  await m.stop();
  await p.endpoint.close();
});

test('redirects are followed (same TLS checks at the target), at most 10, never to plain http', async () => {
  const p = await spiffePeer('redirect.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle(300, 9)));
  const hop = await PeerEndpoint.start(await p.ca.issue({ uri: p.endpointId }));
  hop.handler = (_req, res) => {
    res.writeHead(301, { location: p.endpoint.url });
    res.end();
  };
  await f.ds.setBundle(p.ca.bundle(300, 1));
  const m = f.manager({ federatesWith: [{ ...p.federatesWith, bundleEndpointUrl: hop.url }] });
  await m.refreshBundle('redirect.test');
  assert.equal((await f.ds.fetchBundle('spiffe://redirect.test'))!.sequenceNumber, 9);
  assert.deepEqual([hop.requests, p.endpoint.requests], [1, 1]);

  // The target must pass the same SPIFFE authentication.
  const stranger = await PeerEndpoint.start(await p.ca.issue({ uri: 'spiffe://redirect.test/stranger' }));
  stranger.serve(bundleDocument(p.ca.bundle(300, 10)));
  hop.handler = (_req, res) => {
    res.writeHead(307, { location: stranger.url });
    res.end();
  };
  await assert.rejects(m.refreshBundle('redirect.test'), { code: 14, message: /: unexpected ID "spiffe:\/\/redirect\.test\/stranger"; expected "spiffe:\/\/redirect\.test\/spire\/server" \(redirected to https:\/\/127\.0\.0\.1:\d+\/\)$/ });
  hop.handler = (_req, res) => {
    res.writeHead(302, { location: 'http://127.0.0.1:1/' });
    res.end();
  };
  await assert.rejects(m.refreshBundle('redirect.test'), { code: 14, message: /: refusing to follow a redirect to http:\/\/127\.0\.0\.1:1\/: not https$/ });
  hop.handler = (_req, res) => {
    res.writeHead(302, { location: hop.url });
    res.end();
  };
  await assert.rejects(m.refreshBundle('redirect.test'), { code: 14, message: /: stopped after 10 redirects$/ });
  assert.equal((await f.ds.fetchBundle('spiffe://redirect.test'))!.sequenceNumber, 9);
  await m.stop();
  for (const e of [hop, stranger, p.endpoint]) await e.close();
});

test("another trust domain's document is stored as the configured trust domain's bundle (the document names none, as SPIRE)", async () => {
  const p = await spiffePeer('mine.test');
  const other = await spiffePeer('theirs.test');
  p.endpoint.serve(bundleDocument(other.ca.bundle(300, 4)));
  await f.ds.setBundle(p.ca.bundle(300, 1));
  const m = f.manager({ federatesWith: [p.federatesWith] });
  await m.refreshBundle('mine.test');
  const stored = (await f.ds.fetchBundle('spiffe://mine.test'))!;
  assert.deepEqual([stored.sequenceNumber, Buffer.from(stored.rootCas[0]!.derBytes).equals(Buffer.from(other.ca.root.der))], [4, true]);
  await assert.rejects(m.refreshBundle('nobody.test'), { code: 5, message: 'no relationship with trust domain "nobody.test"' });
  await m.stop();
  for (const e of [p.endpoint, other.endpoint]) await e.close();
});

test('https_spiffe with no stored bundle for the endpoint ID: SPIRE\'s error, nothing fetched', async () => {
  const p = await spiffePeer('noboot.test');
  const m = f.manager({ federatesWith: [p.federatesWith] });
  await assert.rejects(m.refreshBundle('noboot.test'), { code: 9, message: "can't perform SPIFFE Authentication: local copy of bundle not found" });
  assert.equal(p.endpoint.requests, 0);
  await m.stop();
  await p.endpoint.close();
});

test('a failed reload is logged and the loops keep running', async () => {
  const p = await spiffePeer('reload.test');
  p.endpoint.serve(bundleDocument(p.ca.bundle(300, 2)));
  await f.ds.setBundle(p.ca.bundle(300, 1));
  let failList = false;
  const ds = new Proxy(f.ds, {
    get: (t, k) =>
      k === 'listFederationRelationships' && failList ? () => Promise.reject(new Error('database is down')) : (Reflect.get(t, k) as unknown as object),
  });
  const m = f.manager({ dataStore: ds, federatesWith: [p.federatesWith] });
  await m.start();
  await f.waitLog('Scheduling next bundle refresh', 'reload.test');
  failList = true;
  m.triggerConfigReload();
  await waitFor(() => f.lines('Failed to reload configs').some((l) => l.error === 'database is down'), 'the failed reload');
  assert.ok(m.managedTrustDomains().includes('reload.test'));
  f.timers.advance(75_000);
  await f.waitLog('Scheduling next bundle refresh', 'reload.test', 2);
  assert.equal(p.endpoint.requests, 2);
  await m.stop();
  await p.endpoint.close();
});
