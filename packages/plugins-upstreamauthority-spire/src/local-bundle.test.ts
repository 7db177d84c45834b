import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { X509Certificate } from 'node:crypto';
import { DOWNSTREAM_ID, eventually, first, startNested, type Nested } from './harness.test-support.js';
import { makeRoot, makeSvid } from './pki.test-support.js';
import type { LocalBundleUpdate } from '@spire-ts/core/plugin';

let nested: Nested;
before(async () => {
  nested = await startNested();
});
after(async () => {
  await nested?.close();
});

/** Collects what a stream yields until aborted. */
function collect<T>(it: AsyncIterable<T>): { got: T[]; done: Promise<void> } {
  const got: T[] = [];
  const done = (async () => {
    for await (const m of it) got.push(m);
  })();
  return { got, done };
}

const jwtKey = (kid: string) => ({ public_key: Buffer.from(nested.root.cert.publicKey.rawData), key_id: kid, expires_at: 2_000_000_000, tainted: false });

describe('spire SubscribeToLocalBundle', () => {
  it('sends the bundle, then again when a poll sees the upstream roots or keys change', async () => {
    const ua = nested.ua();
    const ac = new AbortController();
    const s = collect<LocalBundleUpdate>(ua.subscribeToLocalBundle(ac.signal));
    await eventually(() => s.got.length === 1, 2000, 'first message');
    assert.deepEqual(s.got[0]!.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(nested.root.der)]);
    assert.deepEqual(s.got[0]!.upstreamJwtKeys, []);

    const next = await makeRoot();
    nested.upstream.roots = [nested.root.der, next.der];
    await eventually(() => s.got.length === 2, 2000, 'roots change');
    assert.equal(s.got[1]!.upstreamX509Roots.length, 2);
    nested.upstream.jwtKeys = [jwtKey('kid-up')];
    await eventually(() => s.got.length === 3, 2000, 'keys change');
    assert.deepEqual(s.got[2]!.upstreamJwtKeys.map((k) => k.keyId), ['kid-up']);

    // Nothing changes: nothing more is sent across several polls.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(s.got.length, 3);
    ac.abort();
    await s.done;
    nested.upstream.roots = [nested.root.der];
    nested.upstream.jwtKeys = [];
  });

  it('a mint stream follows upstream root changes with root-only messages', async () => {
    const ua = nested.ua();
    const ac = new AbortController();
    const s = collect(ua.mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 }, ac.signal));
    await eventually(() => s.got.length === 1, 3000, 'minted');
    const next = await makeRoot();
    nested.upstream.roots = [nested.root.der, next.der];
    await eventually(() => s.got.length === 2, 2000, 'root update');
    assert.deepEqual(s.got[1]!.x509CaChain, []);
    assert.deepEqual(s.got[1]!.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(nested.root.der), Buffer.from(next.der)]);
    assert.deepEqual(s.got[1]!.upstreamX509Roots.map((r) => r.tainted), [false, false]);
    // The upstream taints its old root: the flag alone changing is a change, and it is carried.
    nested.upstream.taintedRoots = [nested.root.der];
    await eventually(() => s.got.length === 3, 2000, 'taint update');
    assert.deepEqual(s.got[2]!.upstreamX509Roots.map((r) => [Buffer.from(r.asn1), r.tainted]), [[Buffer.from(nested.root.der), true], [Buffer.from(next.der), false]]);
    ac.abort();
    await s.done;
    nested.upstream.roots = [nested.root.der];
    nested.upstream.taintedRoots = [];
  });

  it('connects at the first subscriber and closes at the last', async () => {
    const ua = nested.ua();
    assert.equal(ua.connected, false);
    const a = new AbortController();
    const b = new AbortController();
    const sa = collect(ua.subscribeToLocalBundle(a.signal));
    const sb = collect(ua.subscribeToLocalBundle(b.signal));
    await eventually(() => sa.got.length === 1 && sb.got.length === 1, 2000, 'both subscribed');
    assert.equal(ua.connected, true);
    assert.equal(nested.workload.openStreams, 1, 'one Workload API stream for both');
    a.abort();
    await sa.done;
    assert.equal(ua.connected, true);
    b.abort();
    await sb.done;
    assert.equal(ua.connected, false);
    await eventually(() => nested.workload.openStreams === 0, 2000, 'the Workload API stream closed');
    // A one-shot call connects and closes again.
    await first(ua.publishJWTKeyAndSubscribe({ publicKey: new Uint8Array(nested.root.cert.publicKey.rawData), keyId: 'k1', expiresAt: 2_000_000_000, tainted: false }));
    assert.equal(ua.connected, false);
  });

  it('a rotated Workload API SVID is presented from the next call on (a new connection)', async () => {
    // The upstream checks the caller's chain on each call: once the old SVID's root is revoked
    // there, a connection still presenting it would be refused for good.
    const ua = nested.ua();
    const ac = new AbortController();
    const s = collect(ua.subscribeToLocalBundle(ac.signal));
    const fp = (der: Uint8Array) => new X509Certificate(der).fingerprint256;
    const before = nested.workload.current.svid;
    try {
      await eventually(() => s.got.length === 1 && nested.upstream.bundleCallers.at(-1) === fp(before.der), 2000, 'polling with the first SVID');
      const next = await makeSvid(nested.root, DOWNSTREAM_ID);
      nested.workload.serve({ id: DOWNSTREAM_ID, svid: next, bundle: [nested.root.der] });
      await eventually(() => nested.upstream.bundleCallers.at(-1) === fp(next.der), 3000, 'polling with the rotated SVID');
    } finally {
      ac.abort();
      await s.done;
    }
    nested.workload.serve({ id: DOWNSTREAM_ID, svid: before, bundle: [nested.root.der] });
  });
});
