import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { makeUA, mint, TD_ID } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture();
});
after(() => fx.close());

const apiError = (method: string, path: string, status: number, error: string) =>
  `Error making API request.\n\nURL: ${method} ${fx.emu.url}/v1/${path}\nCode: ${status}. Errors:\n\n* ${error}`;

describe('vault refusals', () => {
  it('wrong AppRole credentials', async () => {
    const ua = makeUA(fx, 'approle_auth', { approle_auth: { approle_id: fx.roleId, approle_secret_id: 'not-the-secret' } });
    await rejectsWith(mint(ua), Code.INTERNAL, `failed to prepare authenticated client: rpc error: code = Unauthenticated desc = authentication failed auth/approle/login: ${apiError('PUT', 'auth/approle/login', 400, 'invalid role or secret ID')}`);
    ua.close();
  });

  it('a client certificate no role trusts', async () => {
    const ua = makeUA(fx, 'cert_auth', { cert_auth: { cert_auth_role_name: 'nobody', client_cert_path: `${fx.dir}/client.pem`, client_key_path: `${fx.dir}/client-key.pem` } });
    await rejectsWith(mint(ua), Code.INTERNAL, `failed to prepare authenticated client: rpc error: code = Unauthenticated desc = authentication failed auth/cert/login: ${apiError('PUT', 'auth/cert/login', 400, 'invalid certificate or no client certificate supplied')}`);
    ua.close();
  });

  it('an expired token', async () => {
    const token = fx.emu.createToken({ ttl: 1, renewable: false });
    await new Promise((r) => setTimeout(r, 1100));
    const ua = makeUA(fx, 'token_auth', { token_auth: { token } });
    await rejectsWith(mint(ua), Code.INTERNAL, `failed to prepare authenticated client: rpc error: code = Internal desc = token lookup failed: ${apiError('GET', 'auth/token/lookup-self', 403, 'permission denied')}`);
    ua.close();
  });

  it('an empty token', async () => {
    const ua = makeUA(fx, 'token_auth', { token_auth: { token: '' } });
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed to prepare authenticated client: rpc error: code = InvalidArgument desc = token is empty');
    ua.close();
  });

  it('a token Vault revoked after login: the call fails, and the next mint logs in again', async () => {
    const ua = makeUA(fx, 'approle_auth');
    await mint(ua);
    for (const t of fx.emu.tokens.all()) if (t.origin === 'approle') fx.emu.tokens.revoke(t.id);
    await rejectsWith(mint(ua), Code.INTERNAL, `failed to sign intermediate: ${apiError('PUT', 'pki/root/sign-intermediate', 403, 'permission denied')}`);
    const logins = fx.emu.callsOf('auth.login').length;
    await mint(ua);
    assert.equal(fx.emu.callsOf('auth.login').length, logins + 1);
    ua.close();
  });

  const garbage: [string, unknown, string][] = [
    ['a certificate that is not PEM', { certificate: 'garbage', issuing_ca: 'garbage' }, 'failed to parse Root CA certificate: no PEM blocks'],
    ['no certificate', { issuing_ca: 'x' }, 'request is successful, but certificate data is empty'],
    ['no issuing_ca', { certificate: 'x' }, 'request is successful, but issuing_ca data is empty'],
    ['a certificate of the wrong type', { certificate: 7, issuing_ca: 'x' }, 'expected certificate data type string but got json.Number'],
    ['a ca_chain that is not a list', { certificate: 'x', issuing_ca: 'x', ca_chain: 'x' }, 'expected ca_chain data type []interface {} but got string'],
    ['a ca_chain element that is not a string', { certificate: 'x', issuing_ca: 'x', ca_chain: [1] }, 'expected ca_chain element data type string but got json.Number'],
  ];
  for (const [what, data, message] of garbage) {
    it(`a sign-intermediate answer with ${what}`, async () => {
      const ua = makeUA(fx, 'token_auth');
      fx.emu.answerNext('pki.sign-intermediate', { data });
      await rejectsWith(mint(ua), Code.INTERNAL, message);
      ua.close();
    });
  }

  it('a garbage certificate under a good root', async () => {
    const ua = makeUA(fx, 'token_auth');
    fx.emu.answerNext('pki.sign-intermediate', { data: { certificate: 'not a certificate', issuing_ca: fx.emu.pki.issuer.certPem } });
    await rejectsWith(mint(ua), Code.INTERNAL, 'failed to parse certificate: no PEM blocks');
    ua.close();
  });

  it('a body that is not JSON', async () => {
    const ua = makeUA(fx, 'token_auth');
    fx.emu.answerNext('pki.sign-intermediate', 'certainly not a Vault answer');
    await rejectsWith(mint(ua), Code.INTERNAL, 'request is successful, but certificate data is empty');
    ua.close();
  });

  it('CSRs it cannot sign, before calling Vault', async () => {
    const ua = makeUA(fx, 'token_auth');
    const calls = fx.emu.calls.length;
    await rejectsWith(mint(ua, 600, new Uint8Array([1, 2, 3])), Code.INVALID_ARGUMENT, 'failed to parse CSR data: asn1: truncated DER');
    await rejectsWith(mint(ua, 600, (await makeCaCsr([])).der), Code.INVALID_ARGUMENT, 'invalid CSR: CSR must have exactly one URI SAN');
    await rejectsWith(mint(ua, 600, (await makeCaCsr(['spiffe://other.org'])).der), Code.INVALID_ARGUMENT, `invalid CSR: CSR with SPIFFE ID "spiffe://other.org" is invalid: must use the trust domain ID for trust domain "${TD_ID.slice(9)}"`);
    assert.equal(fx.emu.calls.length, calls);
    ua.close();
  });

  it('publishing a JWT key', async () => {
    const ua = makeUA(fx, 'token_auth');
    await rejectsWith(
      (async () => {
        for await (const r of ua.publishJWTKeyAndSubscribe()) void r;
      })(),
      Code.UNIMPLEMENTED,
      'publishing upstream is unsupported',
    );
    ua.close();
  });
});
