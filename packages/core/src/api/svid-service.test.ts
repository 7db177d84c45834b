import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { makeCsr } from './ports.fake.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

test('MintX509SVID signs the CSR URI SAN with DNS names and TTL; the SVID chains to the bundle', async () => {
  const c = h.local('svid');
  const csr = await makeCsr({ uris: ['spiffe://example.org/web'], dnsNames: ['web.example.org'] });
  const res = await c.call('MintX509SVID', { csr: csr.der, ttl: 120 });
  const leaf = new X509Certificate(res.svid.cert_chain[0]);
  assert.ok(leaf.verify(new X509Certificate(h.ca.root.certDer).publicKey));
  assert.match(leaf.subjectAltName ?? '', /URI:spiffe:\/\/example\.org\/web/);
  assert.match(leaf.subjectAltName ?? '', /DNS:web\.example\.org/);
  assert.equal(res.svid.expires_at, Math.floor(new Date(leaf.validTo).getTime() / 1000));
  assert.equal(h.ca.x509Requests.at(-1)!.ttlMs, 120_000);
});

test('MintX509SVID rejects bad CSRs with SPIRE messages', async () => {
  const c = h.local('svid');
  await assert.rejects(c.call('MintX509SVID', {}), { code: 3, details: 'missing CSR' });
  await assert.rejects(c.call('MintX509SVID', { csr: Buffer.from('nope') }), (e: { code: number; details: string }) => e.code === 3 && e.details.startsWith('malformed CSR: '));
  await assert.rejects(c.call('MintX509SVID', { csr: (await makeCsr()).der }), { code: 3, details: 'CSR URI SAN is required' });
  await assert.rejects(c.call('MintX509SVID', { csr: (await makeCsr({ uris: ['spiffe://example.org/a', 'spiffe://example.org/b'] })).der }), {
    code: 3,
    details: 'only one URI SAN is expected',
  });
  await assert.rejects(c.call('MintX509SVID', { csr: (await makeCsr({ uris: ['spiffe://other.org/a'] })).der }), {
    code: 3,
    details: 'CSR URI SAN is invalid: "spiffe://other.org/a" is not a member of trust domain "example.org"',
  });
  await assert.rejects(c.call('MintX509SVID', { csr: (await makeCsr({ uris: ['spiffe://example.org/a'], dnsNames: ['bad_name!'] })).der }), (e: { code: number; details: string }) =>
    e.code === 3 && e.details.startsWith('CSR DNS name is invalid: '),
  );
  await assert.rejects(c.call('MintX509SVID', { csr: (await makeCsr({ uris: ['spiffe://example.org/a'] })).der, ttl: -1 }), {
    code: 3,
    details: 'invalid ttl: must not be negative',
  });
  // A CSR whose signature does not match its key.
  const good = await makeCsr({ uris: ['spiffe://example.org/a'] });
  const tampered = Buffer.from(good.der);
  tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0xff;
  await assert.rejects(c.call('MintX509SVID', { csr: tampered }), (e: { code: number; details: string }) => e.code === 3 && /CSR/.test(e.details));
});

test('MintJWTSVID: audience required, signature verifies, expiry reported', async () => {
  const c = h.local('svid');
  await assert.rejects(c.call('MintJWTSVID', { id: { trust_domain: 'example.org', path: '/w' } }), { code: 3, details: 'at least one audience is required' });
  await assert.rejects(c.call('MintJWTSVID', { audience: ['a'] }), { code: 3, details: 'invalid SPIFFE ID: request must specify SPIFFE ID' });
  await assert.rejects(c.call('MintJWTSVID', { id: { trust_domain: 'example.org', path: '/w' }, audience: ['a'], ttl: -10 }), {
    code: 3,
    details: 'invalid ttl: must not be negative',
  });
  const res = await c.call('MintJWTSVID', { id: { trust_domain: 'example.org', path: '/w' }, audience: ['a', 'b'], ttl: 60 });
  const [hd, pl, sig] = res.svid.token.split('.');
  const ok = verify('sha256', Buffer.from(`${hd}.${pl}`), { key: createPublicKey({ key: Buffer.from(await h.ca.jwtPublicKeyDer()), format: 'der', type: 'spki' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
  assert.ok(ok);
  const claims = JSON.parse(Buffer.from(pl, 'base64url').toString());
  assert.equal(claims.sub, 'spiffe://example.org/w');
  assert.equal(res.svid.expires_at, claims.exp);
  assert.equal(res.svid.issued_at, claims.iat);
});

test('signing failures in the CA become Internal with the cause', async () => {
  const { SpireError, Code } = await import('../errors.js');
  h.ca.failSigning = new SpireError(Code.FAILED_PRECONDITION, 'no active X.509 authority');
  try {
    const csr = await makeCsr({ uris: ['spiffe://example.org/x'] });
    await assert.rejects(h.local('svid').call('MintX509SVID', { csr: csr.der }), { code: 13, details: 'failed to sign X509-SVID: no active X.509 authority' });
  } finally {
    h.ca.failSigning = undefined;
  }
});

test('MintX509SVID reports a bad CSR signature before any SAN problem, as SPIRE checks it first', async () => {
  const c = h.local('svid');
  const tamper = (der: Buffer) => {
    const b = Buffer.from(der);
    b[b.length - 3]! ^= 0x01; // inside the signature's last INTEGER
    return b;
  };
  for (const opts of [{}, { uris: ['spiffe://other.org/a'] }, { uris: ['spiffe://example.org/a'], dnsNames: ['bad_name!'] }, { uris: ['spiffe://example.org/a'] }]) {
    await assert.rejects(c.call('MintX509SVID', { csr: tamper((await makeCsr(opts)).der) }), (e: { code: number; details: string }) => {
      assert.equal(e.code, 3);
      assert.match(e.details, /^failed to verify CSR signature: /, JSON.stringify(opts));
      return true;
    });
  }
});

test("the CA's overload refusal reaches the caller as RESOURCE_EXHAUSTED, not as a signing failure", async () => {
  const { SpireError, Code } = await import('../errors.js');
  const msg = 'the server is overloaded: 1 SVID(s) asked while 9 wait to be signed (experimental.max_pending_svids = 9); retry later';
  h.ca.refuseAll = new SpireError(Code.RESOURCE_EXHAUSTED, msg);
  try {
    const c = h.local('svid');
    const csr = await makeCsr({ uris: ['spiffe://example.org/x'] });
    await assert.rejects(c.call('MintX509SVID', { csr: csr.der }), { code: 8, details: msg });
    await assert.rejects(c.call('MintJWTSVID', { id: { trust_domain: 'example.org', path: '/w' }, audience: ['a'] }), { code: 8, details: msg });
  } finally {
    h.ca.refuseAll = undefined;
  }
});
