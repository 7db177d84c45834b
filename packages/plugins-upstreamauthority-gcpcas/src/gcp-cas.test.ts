import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, type MintX509CAResponse, type UpstreamAuthority } from '@spire-ts/core/plugin';
import { rejectsWith, runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';
import { csrWithUris, data, makeUA, startGcp } from './harness.test-support.js';

let gcp: GcpEmulator;
before(async () => {
  gcp = await startGcp();
});
after(async () => gcp.close());

const der = (pem: string) => Buffer.from(new X509Certificate(pem).raw);
const bufs = (l: Uint8Array[]) => l.map((c) => Buffer.from(c));

function contract(servedAs: ServedAs, label: string, subordinate: boolean) {
  return async () => {
    const root = await gcp.privateca.createCertificateAuthority({ pool: `contract-${label}`, id: 'root', labels: subordinate ? {} : { spire: label } });
    if (subordinate) await gcp.privateca.createCertificateAuthority({ pool: `contract-${label}`, id: 'sub', issuer: root.name, labels: { spire: label } });
    const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'gcpCasUpstreamAuthority', {
      data: data({ ca_pool: `contract-${label}`, label_value: label }),
    });
    return { ua: started.plugin, trustDomain: 'example.org', close: () => started.close() };
  };
}

runUpstreamAuthorityContract('gcp_cas (root CA)', contract('in-process', 'c-root', false));
runUpstreamAuthorityContract('gcp_cas (subordinate CA; external, plugin_cmd over gRPC)', contract('external', 'c-sub', true));

async function first(it: AsyncIterable<MintX509CAResponse>): Promise<MintX509CAResponse> {
  for await (const r of it) return r;
  throw new Error('stream ended without a response');
}
const mint = async (ua: UpstreamAuthority, ttl = 600, csr?: Uint8Array) =>
  first(ua.mintX509CAAndSubscribe({ csr: csr ?? (await csrWithUris(['spiffe://example.org'])), preferredTtlSeconds: ttl }));

describe('gcp_cas minting', () => {
  it('asks CA Service as SPIRE does; chain without the root, the root as the bundle; openssl verifies it', async () => {
    const root = await gcp.privateca.createCertificateAuthority({ pool: 'mint', id: 'root' });
    const sub = await gcp.privateca.createCertificateAuthority({ pool: 'mint', id: 'sub', issuer: root.name, labels: { spire: 'mint' } });
    const ua = makeUA(data({ ca_pool: 'mint', label_value: 'mint' }));
    const csr = await csrWithUris(['spiffe://example.org'], 'C=US, ST=CA, L=SF, O=SPIFFE, O=Second, OU=Infra, CN=server-ca');
    const res = await mint(ua, 900, csr);

    const call = gcp.calls('privateca.certificates.create').at(-1)!;
    assert.equal(call.path, '/v1/projects/test-project/locations/us-central1/caPools/mint/certificates');
    const spki = new X509Certificate(Buffer.from(res.x509CaChain[0]!)).publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(call.query.certificateId, createHash('sha256').update(spki).digest('base64url'));
    assert.equal(call.query.issuingCertificateAuthorityId, 'sub');
    const body = JSON.parse(call.body) as { lifetime: string; config: Record<string, unknown> & { publicKey: { key: string } } };
    assert.equal(body.lifetime, '900s');
    assert.match(Buffer.from(body.config.publicKey.key, 'base64').toString(), /^-----BEGIN PUBLIC KEY-----\n/);
    assert.deepEqual(body.config.subjectConfig, {
      subject: { commonName: 'server-ca', organization: 'SPIFFE', organizationalUnit: 'Infra', locality: 'SF', province: 'CA' },
      subjectAltName: { uris: ['spiffe://example.org'] },
    });
    assert.deepEqual(body.config.x509Config, { caOptions: { isCa: true, maxIssuerPathLength: 0 }, keyUsage: { baseKeyUsage: { certSign: true, crlSign: true } } });

    assert.deepEqual(bufs(res.x509CaChain.slice(1)), [der(sub.signer.certPem)]);
    assert.deepEqual(bufs(res.upstreamX509Roots.map((r) => r.asn1)), [der(root.signer.certPem)]);
    const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1));
    assert.ok(v.ok, v.out);
    assert.match(opensslText(res.x509CaChain[0]!), /CA:TRUE, pathlen:0/);
    await ua.close();
  });

  it('the earliest-expiring ENABLED CA signs; the other enabled CAs add their roots; a disabled one is left out', async () => {
    const now = Date.now();
    const late = await gcp.privateca.createCertificateAuthority({ pool: 'rot', id: 'late', labels: { spire: 'rot' }, lifetimeSeconds: 5 * 86400 });
    const early = await gcp.privateca.createCertificateAuthority({ pool: 'rot', id: 'early', labels: { spire: 'rot' }, createTime: new Date(now - 86400_000), lifetimeSeconds: 3 * 86400 });
    const off = await gcp.privateca.createCertificateAuthority({ pool: 'rot', id: 'off', labels: { spire: 'rot' }, lifetimeSeconds: 86400, state: 'DISABLED' });
    const ua = makeUA(data({ ca_pool: 'rot', label_value: 'rot' }));
    const res = await mint(ua);
    assert.equal(gcp.calls('privateca.certificates.create').at(-1)!.query.issuingCertificateAuthorityId, 'early');
    assert.deepEqual(bufs(res.upstreamX509Roots.map((r) => r.asn1)), [der(early.signer.certPem), der(late.signer.certPem)]);
    assert.ok(!bufs(res.upstreamX509Roots.map((r) => r.asn1)).some((r) => r.equals(der(off.signer.certPem))));
    await ua.close();
  });

  it('without ca_pool, searches every pool of the region (all pages)', async () => {
    for (let i = 0; i < 22; i++) gcp.privateca.createCaPool(`empty-${i}`);
    const ca = await gcp.privateca.createCertificateAuthority({ pool: 'found', id: 'ca', labels: { spire: 'region' } });
    const ua = makeUA(data({ label_value: 'region' }));
    const res = await mint(ua);
    assert.deepEqual(bufs(res.upstreamX509Roots.map((r) => r.asn1)), [der(ca.signer.certPem)]);
    assert.ok(gcp.calls('privateca.caPools.list').length >= 2, 'pools listed by pages of 20');
    await ua.close();
  });

  it('CAs listed over several pages are all considered', async () => {
    for (let i = 0; i < 21; i++) await gcp.privateca.createCertificateAuthority({ pool: 'many', id: `ca${i}`, labels: { spire: 'many' }, lifetimeSeconds: 86400 * (30 - i) });
    const ua = makeUA(data({ ca_pool: 'many', label_value: 'many' }));
    const res = await mint(ua);
    assert.equal(gcp.calls('privateca.certificates.create').at(-1)!.query.issuingCertificateAuthorityId, 'ca20', 'the last page holds the earliest expiry');
    assert.equal(res.upstreamX509Roots.length, 21);
    await ua.close();
  });

  it('the same key minted twice: CA Service says ALREADY_EXISTS, passed on', async () => {
    await gcp.privateca.createCertificateAuthority({ pool: 'twice', id: 'ca', labels: { spire: 'twice' } });
    const ua = makeUA(data({ ca_pool: 'twice', label_value: 'twice' }));
    const csr = await csrWithUris(['spiffe://example.org']);
    await mint(ua, 600, csr);
    await rejectsWith(mint(ua, 600, csr), Code.ALREADY_EXISTS, /^Resource 'projects\/test-project\/locations\/us-central1\/caPools\/twice\/certificates\/[A-Za-z0-9_-]{43}' already exists$/);
    await ua.close();
  });

  it('says publishing JWT keys is unsupported', async () => {
    const ua = makeUA(data({ ca_pool: 'x' }));
    await rejectsWith(ua.publishJWTKeyAndSubscribe()[Symbol.asyncIterator]().next(), Code.UNIMPLEMENTED, 'publishing upstream is unsupported');
    await ua.close();
  });
});

describe('gcp_cas failures', () => {
  it('labels matching in two pools (no ca_pool) is an error', async () => {
    await gcp.privateca.createCertificateAuthority({ pool: 'two-a', id: 'ca', labels: { spire: 'two' } });
    await gcp.privateca.createCertificateAuthority({ pool: 'two-b', id: 'ca', labels: { spire: 'two' } });
    const ua = makeUA(data({ label_value: 'two' }));
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed to load root CAs: found authorities with matching labels across multiple pools');
    assert.equal(gcp.privateca.certificates.size > 0 && [...gcp.privateca.certificates.values()].some((c) => c.issuer.includes('/two-')), false, 'nothing issued');
    await ua.close();
  });

  it('no CA with the label: INVALID_ARGUMENT', async () => {
    gcp.privateca.createCaPool('none');
    const ua = makeUA(data({ ca_pool: 'none', label_value: 'nobody' }));
    await rejectsWith(mint(ua), Code.INVALID_ARGUMENT, 'no certificate authorities found with label pair "spire":"nobody"');
    await ua.close();
  });

  it('only disabled CAs with the label: INVALID_ARGUMENT', async () => {
    await gcp.privateca.createCertificateAuthority({ pool: 'disabled', id: 'ca', labels: { spire: 'disabled' }, state: 'DISABLED' });
    const ua = makeUA(data({ ca_pool: 'disabled', label_value: 'disabled' }));
    await rejectsWith(mint(ua), Code.INVALID_ARGUMENT, 'no certificate authorities found in ENABLED state with label pair "spire":"disabled"');
    await ua.close();
  });

  it('a pool that does not exist: INTERNAL naming it', async () => {
    const ua = makeUA(data({ ca_pool: 'missing' }));
    await rejectsWith(mint(ua), Code.INTERNAL, "failed to load root CAs: Resource 'projects/test-project/locations/us-central1/caPools/missing' was not found");
    await ua.close();
  });

  it('an answer without a chain: INTERNAL', async () => {
    await gcp.privateca.createCertificateAuthority({ pool: 'nochain', id: 'ca', labels: { spire: 'nochain' } });
    const ua = makeUA(data({ ca_pool: 'nochain', label_value: 'nochain' }));
    gcp.privateca.omitChain = true;
    try {
      await rejectsWith(mint(ua), Code.INTERNAL, 'got no certificates in the chain');
    } finally {
      gcp.privateca.omitChain = false;
      await ua.close();
    }
  });

  it('CA Service down: UNAVAILABLE within the call timeout', async () => {
    const ua = makeUA(data({ ca_pool: 'down' }), undefined, { timeoutMs: 1000 });
    gcp.setUnavailable(true);
    const start = Date.now();
    try {
      await rejectsWith(mint(ua), Code.UNAVAILABLE, /^failed to load root CAs: /);
    } finally {
      gcp.setUnavailable(false);
      await ua.close();
    }
    assert.ok(Date.now() - start < 5000, `${Date.now() - start} ms`);
  });

  it('CA Service slower than the call timeout: UNAVAILABLE', async () => {
    gcp.privateca.createCaPool('slow');
    const ua = makeUA(data({ ca_pool: 'slow' }), undefined, { timeoutMs: 300 });
    gcp.setLatencyMs(2000);
    try {
      await rejectsWith(mint(ua), Code.UNAVAILABLE, /^failed to load root CAs: /);
    } finally {
      gcp.setLatencyMs(0);
      await ua.close();
    }
  });

  for (const [what, uris, message] of [
    ['a URI SAN of another trust domain', ['spiffe://other.org'], 'invalid CSR: CSR with SPIFFE ID "spiffe://other.org" is invalid: must use the trust domain ID for trust domain "example.org"'],
    ['an extra URI SAN', ['spiffe://example.org', 'spiffe://example.org/extra'], 'invalid CSR: CSR must have exactly one URI SAN'],
  ] as const) {
    it(`refuses a CSR with ${what} before asking CA Service`, async () => {
      const ua = makeUA(data({ ca_pool: 'x' }));
      const listed = gcp.calls('privateca.certificateAuthorities.list').length;
      await rejectsWith(mint(ua, 600, await csrWithUris(uris)), Code.INVALID_ARGUMENT, message);
      assert.equal(gcp.calls('privateca.certificateAuthorities.list').length, listed);
      await ua.close();
    });
  }

  it('refuses bytes that are not a CSR', async () => {
    const ua = makeUA(data({ ca_pool: 'x' }));
    await rejectsWith(mint(ua, 600, Uint8Array.from([1, 2, 3])), Code.INVALID_ARGUMENT, /^unable to parse CSR: asn1: /);
    await ua.close();
  });
});
