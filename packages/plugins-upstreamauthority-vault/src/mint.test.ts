import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { opensslText, opensslVerify } from '@spire-ts/core/testing';
import { startVaultFixture, type AuthBlock, type VaultFixture } from '@spire-ts/emulator-vault';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { makeUA, mint, TD_ID } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture();
});
after(() => fx.close());

const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
const lastBody = () => JSON.parse(fx.emu.http.calls('pki.sign-intermediate').at(-1)!.body) as Record<string, string>;

describe('vault minting', () => {
  it("sends SPIRE's sign-intermediate request; the chain drops the root and the repeated certificate; openssl verifies it", async () => {
    const ua = makeUA(fx, 'approle_auth');
    const csr = await makeCaCsr([TD_ID], 'C=US, O=SPIFFE, CN=server-ca');
    const res = await mint(ua, 900, csr.der);
    const body = lastBody();
    assert.deepEqual({ ...body, csr: undefined }, { common_name: 'server-ca', organization: 'SPIFFE', country: 'US', uri_sans: TD_ID, csr: undefined, ttl: '900' });
    assert.equal(body.csr, csr.pem.replace(/\r\n/g, '\n').trimEnd() + '\n');
    assert.equal(res.x509CaChain.length, 2, 'the CA, then the Vault issuer');
    assert.deepEqual(Buffer.from(res.x509CaChain[1]!), Buffer.from(der(fx.emu.pki.issuer.certPem)));
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(der(fx.emu.pki.root.certPem))]);
    const v = opensslVerify(res.upstreamX509Roots.map((r) => r.asn1), res.x509CaChain[0]!, res.x509CaChain.slice(1));
    assert.ok(v.ok, v.out);
    assert.match(opensslText(res.x509CaChain[0]!), /CA:TRUE/);
    const ca = new X509Certificate(res.x509CaChain[0]!);
    assert.ok(Math.abs(new Date(ca.validTo).getTime() - Date.now() - 900_000) < 5000);
    assert.deepEqual(fx.emu.calls.filter((c) => c.route !== 'pki.sign-intermediate').at(-1)!.route, 'auth.login');
    ua.close();
  });

  it('sends an empty ttl when the server gives none, and uses pki_mount_point', async () => {
    const ua = makeUA(fx, 'token_auth');
    await mint(ua, 0);
    assert.equal(lastBody().ttl, '');
    ua.close();
    const other = makeUA(fx, 'token_auth', { pki_mount_point: 'pki-int' });
    await assert.rejects(mint(other), /failed to sign intermediate: Error making API request\.\n\nURL: PUT https:\/\/127\.0\.0\.1:\d+\/v1\/pki-int\/root\/sign-intermediate\nCode: 404/);
    other.close();
  });

  it('takes the root from issuing_ca when Vault sends no ca_chain (Vault is the root)', async () => {
    const ua = makeUA(fx, 'token_auth');
    const csr = await makeCaCsr([TD_ID]);
    const issued = fx.emu.pki.issuer.certPem;
    const signed = await mint(ua, 600, csr.der);
    fx.emu.answerNext('pki.sign-intermediate', { data: { certificate: new X509Certificate(signed.x509CaChain[0]!).toString(), issuing_ca: issued } });
    const res = await mint(ua, 600, csr.der);
    assert.deepEqual(res.upstreamX509Roots.map((r) => Buffer.from(r.asn1)), [Buffer.from(der(issued))]);
    assert.equal(res.x509CaChain.length, 1);
    ua.close();
  });

  for (const m of ['token_auth', 'cert_auth', 'approle_auth', 'k8s_auth'] as AuthBlock[]) {
    it(`mints with ${m}, sending the namespace header, and logs no secret`, async () => {
      const nsFx = await startVaultFixture({ namespace: 'team-a' });
      try {
        const log = recordingLogger();
        const ua = makeUA(nsFx, m, {}, { log });
        await mint(ua);
        assert.ok(nsFx.emu.calls.length >= 2);
        assert.ok(nsFx.emu.calls.every((c) => c.namespace === 'team-a'));
        for (const s of nsFx.secrets()) assert.ok(!log.text().includes(s), 'no secret in the logs');
        ua.close();
      } finally {
        await nsFx.close();
      }
    });
  }
});
