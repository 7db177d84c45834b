import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCert } from './test-support/peer.js';
import { bundleDocument, PeerEndpoint, selfSigned, waitFor } from './test-support/peer.js';
import { refresherFixture, spiffePeer, type RefresherFixture } from './test-support/fixture.js';

// Each case: a peer whose stored bundle (sequence 1) bootstraps https_spiffe, and whose endpoint
// misbehaves. The poll must log an Error naming the URL and the reason, leave the stored bundle
// as it was, and schedule the next poll, which then happens.
let f: RefresherFixture;
before(async () => {
  f = await refresherFixture();
});
after(() => f.close());

let n = 0;
async function badPeer(opts: {
  reason: RegExp;
  serve?: (endpoint: PeerEndpoint, doc: string) => void;
  cert?: (peer: Awaited<ReturnType<typeof spiffePeer>>) => Promise<PeerCert>;
  maxBundleBytes?: number;
  afterRequest?: () => void;
}): Promise<void> {
  const td = `bad-${++n}.test`;
  const peer = await spiffePeer(td);
  let endpoint = peer.endpoint;
  if (opts.cert) {
    await endpoint.close();
    endpoint = await PeerEndpoint.start(await opts.cert(peer));
  }
  const good = bundleDocument(peer.ca.bundle(300, 2));
  if (opts.serve) opts.serve(endpoint, good);
  else endpoint.serve(good);
  const stored = await f.ds.setBundle(peer.ca.bundle(300, 1));
  const m = f.manager({ federatesWith: [{ ...peer.federatesWith, bundleEndpointUrl: endpoint.url }], maxBundleBytes: opts.maxBundleBytes });
  try {
    const started = m.start();
    if (opts.afterRequest) {
      await waitFor(() => endpoint.requests >= 1, 'the first request');
      opts.afterRequest();
    }
    await started;
    await f.waitLog('Error updating bundle', td);
    const line = f.lines('Error updating bundle', td)[0]!;
    assert.equal(line.level, 50);
    assert.equal(line.subsystem_name, 'bundle_client');
    assert.equal(line.bundle_endpoint_url, endpoint.url);
    assert.ok(String(line.error).startsWith(`failed to fetch bundle from ${endpoint.url}: `), String(line.error));
    assert.match(String(line.error), opts.reason);
    assert.deepEqual(await f.ds.fetchBundle(`spiffe://${td}`), stored);
    // Next poll from the stored copy: 300 s / 4.
    await f.waitLog('Scheduling next bundle refresh', td);
    f.timers.advance(75_000);
    await f.waitLog('Polling for bundle update', td, 2);
    if (opts.afterRequest) {
      await waitFor(() => endpoint.requests >= 2, 'the second request');
      opts.afterRequest();
    }
    await f.waitLog('Error updating bundle', td, 2);
    assert.deepEqual(await f.ds.fetchBundle(`spiffe://${td}`), stored);
  } finally {
    await m.stop();
    await endpoint.close();
  }
}

test('garbage JSON', () => badPeer({ reason: /: invalid bundle document: invalid JSON: /, serve: (e) => e.serve('<html>hello</html>') }));

test('a document over the size limit', () =>
  badPeer({ reason: /: bundle document is larger than 2000 bytes$/, maxBundleBytes: 2000, serve: (e, doc) => e.serve(doc.replace('{', `{"pad":"${'x'.repeat(4000)}",`)) }));

test('a key with an unknown use', () => badPeer({ reason: /: invalid bundle document: keys\[0\]: unknown use "x509-foo"$/, serve: (e, doc) => e.serve(doc.replace('"x509-svid"', '"x509-foo"')) }));

test('HTTP 500, quoted', () => badPeer({ reason: /: unexpected status 500 fetching bundle: boom$/, serve: (e) => e.serve('boom', 500) }));

test('an endpoint presenting another SPIFFE ID (https_spiffe)', () =>
  badPeer({ reason: /: unexpected ID "spiffe:\/\/bad-\d+\.test\/somebody-else"; expected "spiffe:\/\/bad-\d+\.test\/spire\/server"$/, cert: (p) => p.ca.issue({ uri: `spiffe://${p.ca.trustDomain}/somebody-else` }) }));

test('an expired endpoint certificate', () =>
  badPeer({ reason: /certificate has expired/, cert: (p) => p.ca.issue({ uri: p.endpointId }, { notBefore: Date.now() - 7200_000, notAfter: Date.now() - 3600_000 }) }));

test('a self-signed endpoint certificate with the right ID', () => badPeer({ reason: /self.signed certificate/, cert: (p) => selfSigned(p.endpointId) }));

test('a hung endpoint times out after requestTimeoutMs (30 s by default)', () =>
  badPeer({
    reason: /: no complete answer within 30000 ms$/,
    serve: (e) => {
      e.handler = () => undefined;
    },
    afterRequest: () => f.timers.advance(30_000),
  }));
