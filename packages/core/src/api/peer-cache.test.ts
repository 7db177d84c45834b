import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { TrustDomain } from '../spiffeid/index.js';
import { FakeServerCA } from './ports.fake.js';
import { verifiedPeer } from './peer-cache.js';

/**
 * The parts of a TLS socket verifiedPeer reads; `present` swaps the leaf, as a new handshake
 * would, and is refused once renegotiation is off (a real socket fails the connection then).
 */
class StubSocket {
  authorized = true;
  chainReads = 0;
  leafReads = 0;
  renegotiationDisabled = false;
  constructor(
    private leaf: Uint8Array,
    private readonly root: Uint8Array,
  ) {}
  present(leaf: Uint8Array): void {
    if (this.renegotiationDisabled) throw new Error('renegotiation is disabled');
    this.leaf = leaf;
  }
  getPeerX509Certificate(): X509Certificate {
    this.leafReads++;
    return new X509Certificate(this.leaf);
  }
  getPeerCertificate(): DetailedPeerCertificate {
    this.chainReads++;
    const root = { raw: Buffer.from(this.root), fingerprint256: new X509Certificate(this.root).fingerprint256 } as DetailedPeerCertificate;
    root.issuerCertificate = root;
    return { raw: Buffer.from(this.leaf), fingerprint256: new X509Certificate(this.leaf).fingerprint256, issuerCertificate: root } as DetailedPeerCertificate;
  }
  disableRenegotiation(): void {
    this.renegotiationDisabled = true;
  }
}
const asSocket = (s: StubSocket) => s as unknown as TLSSocket;

test('the caller identity cache: read once per connection, never one certificate for another', async () => {
  const ca = await FakeServerCA.create(TrustDomain.parse('example.org'));
  const a = await ca.issue('spiffe://example.org/spire/agent/a');
  const b = await ca.issue('spiffe://example.org/spire/agent/b');
  const rootFp = new X509Certificate(ca.root.certDer).fingerprint256;
  const s1 = new StubSocket(a.certDer, ca.root.certDer);
  const s2 = new StubSocket(b.certDer, ca.root.certDer);

  const first = verifiedPeer(asSocket(s1))!;
  assert.equal(first.svid.id.toString(), 'spiffe://example.org/spire/agent/a');
  assert.equal(first.svid.serialNumber, a.serial);
  assert.equal(first.anchorFingerprint256, rootFp);
  assert.ok(s1.renegotiationDisabled);
  assert.equal(verifiedPeer(asSocket(s2))!.svid.id.toString(), 'spiffe://example.org/spire/agent/b', 'another connection, another certificate');
  assert.equal(verifiedPeer(asSocket(s1)), first, 'the same connection and leaf: the cached identity');
  assert.equal(s1.chainReads, 1);
  assert.equal(s1.leafReads, 0, 'renegotiation is off: the leaf cannot change and is not read again');
  assert.throws(() => s1.present(b.certDer), /renegotiation is disabled/);

  // A socket that cannot turn renegotiation off has its leaf compared on every call: should the
  // leaf bytes ever differ, the cache is not used.
  const s3 = new StubSocket(a.certDer, ca.root.certDer);
  (s3 as { disableRenegotiation?: unknown }).disableRenegotiation = undefined;
  const viaS3 = verifiedPeer(asSocket(s3))!;
  assert.equal(verifiedPeer(asSocket(s3)), viaS3);
  assert.equal(s3.chainReads, 1);
  assert.equal(s3.leafReads, 1);
  s3.present(b.certDer);
  const swapped = verifiedPeer(asSocket(s3))!;
  assert.equal(swapped.svid.id.toString(), 'spiffe://example.org/spire/agent/b');
  assert.equal(swapped.svid.serialNumber, b.serial);
  assert.equal(s3.chainReads, 2);

  // Same ID, new certificate (a renewed SVID): its own serial and expiry, not the old ones.
  const a2 = await ca.issue('spiffe://example.org/spire/agent/a', { ttlMs: 7_200_000 });
  s3.present(a2.certDer);
  const renewed = verifiedPeer(asSocket(s3))!;
  assert.equal(renewed.svid.serialNumber, a2.serial);
  assert.equal(renewed.svid.notAfter.getTime(), a2.notAfter);

  s1.authorized = false;
  assert.equal(verifiedPeer(asSocket(s1)), undefined, 'an unauthorized connection has no identity, cached or not');
});
