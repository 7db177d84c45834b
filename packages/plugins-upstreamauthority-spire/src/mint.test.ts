import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { makeCaCsr, rejectsWith, runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { opensslVerify } from '@spire-ts/core/testing';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { DOWNSTREAM_ID, first, startNested, type Nested } from './harness.test-support.js';

let nested: Nested;
before(async () => {
  nested = await startNested();
});
after(async () => {
  await nested?.close();
});

function contract(servedAs: ServedAs) {
  return async () => {
    const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'spireUpstreamAuthority', { data: nested.data });
    return { ua: started.plugin, trustDomain: 'example.org', close: () => started.close() };
  };
}

runUpstreamAuthorityContract('spire (in-process, against an upstream server over mTLS)', contract('in-process'));
runUpstreamAuthorityContract('spire (external, plugin_cmd over gRPC)', contract('external'));

describe('spire minting', () => {
  it('mints through NewDownstreamX509CA; the CA chains to the upstream roots from GetBundle', async () => {
    const ua = nested.ua();
    const before = nested.upstream.calls.get('GetBundle') ?? 0;
    const res = await first(ua.mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 }));
    assert.equal(res.x509CaChain.length, 1);
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(nested.root.der)]);
    const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, []);
    assert.ok(v.ok, v.out);
    assert.ok((nested.upstream.calls.get('GetBundle') ?? 0) > before);
  });

  it('publishes a JWT key through PublishJWTAuthority and answers the upstream keys', async () => {
    const ua = nested.ua();
    const key = { publicKey: nested.root.cert.publicKey.rawData, keyId: 'kid-down', expiresAt: 2_000_000_000, tainted: false };
    const res = await first(ua.publishJWTKeyAndSubscribe({ ...key, publicKey: new Uint8Array(key.publicKey) }));
    assert.ok(res.upstreamJwtKeys.some((k) => k.keyId === 'kid-down' && k.expiresAt === 2_000_000_000));
    assert.equal(nested.upstream.jwtKeys.at(-1)?.key_id, 'kid-down');
  });
});

describe('spire refusals', () => {
  it('a caller without downstream is refused by the upstream', async () => {
    const other = await startNested({ callerId: 'spiffe://example.org/not-downstream' });
    try {
      await rejectsWith(
        first(other.ua().mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 })),
        Code.INTERNAL,
        'unable to request a new Downstream X509CA: rpc error: code = PermissionDenied desc = authorization denied for method /spire.api.server.svid.v1.SVID/NewDownstreamX509CA',
      );
      const key = { publicKey: new Uint8Array(other.root.cert.publicKey.rawData), keyId: 'k', expiresAt: 2_000_000_000, tainted: false };
      await rejectsWith(
        first(other.ua().publishJWTKeyAndSubscribe(key)),
        Code.INTERNAL,
        'failed to push JWT authority: rpc error: code = PermissionDenied desc = authorization denied for method /spire.api.server.bundle.v1.Bundle/PublishJWTAuthority',
      );
    } finally {
      await other.close();
    }
  });

  it('an upstream presenting another ID fails TLS', async () => {
    const other = await startNested({ serverId: 'spiffe://example.org/not-the-server' });
    try {
      await rejectsWith(
        first(other.ua().mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 })),
        Code.INTERNAL,
        'unable to request a new Downstream X509CA: rpc error: code = Unavailable desc = No connection established. Last error: Error: unexpected ID "spiffe://example.org/not-the-server". Resolution note: ',
      );
      assert.equal(other.upstream.calls.get('NewDownstreamX509CA'), undefined, 'no call reached the impostor');
    } finally {
      await other.close();
    }
  });

  it('an upstream whose certificate does not chain to the Workload API bundle fails TLS', async () => {
    const other = await startNested();
    const { makeRoot } = await import('./pki.test-support.js');
    const foreign = await makeRoot();
    other.workload.serve({ id: DOWNSTREAM_ID, svid: await (await import('./pki.test-support.js')).makeSvid(foreign, DOWNSTREAM_ID), bundle: [foreign.der] });
    try {
      await rejectsWith(
        first(other.ua().mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 })),
        Code.INTERNAL,
        /^unable to request a new Downstream X509CA: rpc error: code = Unavailable desc = No connection established\. Last error: .*(unable to verify the first certificate|self.signed certificate|unable to get local issuer certificate)/,
      );
    } finally {
      await other.close();
    }
  });

  it('says so when the Workload API gives no SVID in time', async () => {
    const other = await startNested();
    const socket = other.workload.socketPath;
    await other.workload.close();
    try {
      await rejectsWith(
        first(other.ua().mintX509CAAndSubscribe({ csr: (await makeCaCsr(['spiffe://example.org'])).der, preferredTtlSeconds: 600 })),
        Code.INTERNAL,
        new RegExp(`^unable to create X509Source: no X509-SVID from the Workload API at ${socket} within 2s: rpc error: code = Unavailable desc = `),
      );
    } finally {
      await other.upstream.close();
    }
  });
});
