import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Code, SpireError } from '../errors.js';
import { createSigningPool, type SigningPool } from './pool/signing-pool.js';
import { makeCA } from './test-support/fixture.js';
import { bundleToJwks } from './bundle-jwks.js';
import type { KeyType } from '../plugins/keymanager/contract.js';

let pool: SigningPool;
before(() => {
  pool = createSigningPool({ threads: 1 });
});
after(async () => {
  await pool.close();
});

async function jwksOf(fx: Awaited<ReturnType<typeof makeCA>>) {
  // The bundle's JWT authorities (use "jwt-svid"), as a JWT-SVID validator reads them; jose only
  // accepts keys without a `use` or with use "sig", so the SPIFFE-specific `use` is dropped.
  const bundle = bundleToJwks({
      trustDomainId: 'spiffe://example.org',
      rootCas: [{ derBytes: fx.cert.der, taintedKey: false }],
      jwtSigningKeys: [{ pkixBytes: fx.jwtSigner.publicKey, kid: 'kid-A', notAfter: 0, taintedKey: false }],
      refreshHint: 300,
      sequenceNumber: 1,
  });
  const keys = bundle.keys.filter((k) => k.use === 'jwt-svid').map(({ use: _use, ...k }) => k);
  assert.equal(keys.length, 1);
  return createLocalJWKSet({ keys } as never);
}

describe('JWT-SVID minting', () => {
  const algs: Array<[KeyType, string, boolean]> = [
    ['ec-p256', 'ES256', false],
    ['ec-p384', 'ES384', false],
    ['rsa-2048', 'RS256', false],
    ['ec-p256', 'ES256', true],
  ];
  for (const [jwtKeyType, alg, remote] of algs) {
    it(`signs ${alg}${remote ? ' through a remote KeyManager' : ''}; jose verifies it against the bundle JWKS`, async () => {
      const fx = await makeCA(pool, { jwtKeyType, remote, config: { jwtIssuer: 'https://issuer.example.org' } });
      const token = await fx.ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/w', audience: ['aud1', 'aud2'], ttlMs: 60_000 });
      const header = decodeProtectedHeader(token);
      assert.equal(header.alg, alg);
      assert.equal(header.kid, 'kid-A');
      const { payload } = await jwtVerify(token, await jwksOf(fx), {
        audience: 'aud2',
        issuer: 'https://issuer.example.org',
        currentDate: new Date(fx.clock.now()),
      });
      assert.equal(payload.sub, 'spiffe://example.org/w');
      assert.deepEqual(payload.aud, ['aud1', 'aud2']);
      assert.equal(payload.exp! - payload.iat!, 60);
    });
  }

  it('omits iss without jwt_issuer, uses the default TTL, caps at the key expiry', async () => {
    const fx = await makeCA(pool, { config: { jwtSvidTtlMs: 120_000 } });
    const token = await fx.ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/w', audience: ['a'] });
    const { payload } = await jwtVerify(token, await jwksOf(fx), { audience: 'a', currentDate: new Date(fx.clock.now()) });
    assert.equal(payload.iss, undefined);
    assert.equal(payload.exp! - payload.iat!, 120);
    const capped = await fx.ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/w', audience: ['a'], ttlMs: 365 * 86400_000 });
    const p2 = (await jwtVerify(capped, await jwksOf(fx), { audience: 'a', currentDate: new Date(fx.clock.now()) })).payload;
    assert.equal(p2.exp, Math.floor(fx.cert.notAfter / 1000));
  });

  it('rejects a token signed by another key', async () => {
    const a = await makeCA(pool);
    const b = await makeCA(pool);
    const token = await a.ca.signWorkloadJWTSVID({ spiffeId: 'spiffe://example.org/w', audience: ['a'] });
    await assert.rejects(jwtVerify(token, await jwksOf(b), { audience: 'a', currentDate: new Date(a.clock.now()) }));
  });

  it('requires an audience and a member ID', async () => {
    const { ca } = await makeCA(pool);
    const res = await ca.signWorkloadJWTSVIDs([
      { spiffeId: 'spiffe://example.org/w', audience: [''] },
      { spiffeId: 'spiffe://evil.org/w', audience: ['a'] },
      { spiffeId: '', audience: ['a'] },
    ]);
    const e = (i: number) => (res[i] as { error: SpireError }).error;
    assert.equal(e(0).code, Code.INVALID_ARGUMENT);
    assert.equal(e(0).message, 'invalid JWT-SVID audience: cannot be empty');
    assert.equal(e(1).message, 'invalid JWT-SVID ID: "spiffe://evil.org/w" is not a member of trust domain "example.org"');
    assert.equal(e(2).message, 'invalid JWT-SVID ID: cannot be empty');
  });
});
