import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { startKeyManager } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture();
});
after(() => fx.close());

const digest = (alg: string) => new Uint8Array(createHash(alg).update('data').digest());
const lastSign = () => {
  const c = fx.emu.http.calls('transit.sign').at(-1)!;
  return { path: c.path, body: JSON.parse(c.body) as Record<string, unknown> };
};

describe('hashicorp_vault signing', () => {
  it("sends SPIRE's sign request: the curve's hash for ECDSA, pkcs1v15 or pss with the salt length for RSA", async () => {
    const km = await startKeyManager(fx);
    await km.generateKey('ec', 'ec-p384');
    await km.signData('ec', digest('sha384'), { hashAlgorithm: 'SHA384' });
    let s = lastSign();
    assert.match(s.path, /\/v1\/transit\/sign\/server-a-.*-ec\/sha2-384$/);
    assert.deepEqual({ ...s.body, input: undefined }, { input: undefined, marshaling_algorithm: 'asn1', prehashed: true });
    assert.equal(s.body.input, Buffer.from(digest('sha384')).toString('base64'));
    await km.generateKey('rsa', 'rsa-2048');
    await km.signData('rsa', digest('sha512'), { hashAlgorithm: 'SHA512' });
    s = lastSign();
    assert.match(s.path, /sha2-512$/);
    assert.equal(s.body.signature_algorithm, 'pkcs1v15');
    await km.signData('rsa', digest('sha256'), { pss: { hashAlgorithm: 'SHA256', saltLength: 32 } });
    assert.deepEqual([lastSign().body.signature_algorithm, lastSign().body.salt_length], ['pss', '32']);
    await km.close();
  });

  it('refuses what it cannot sign, with SPIRE codes and messages', async () => {
    const km = await startKeyManager(fx);
    await km.generateKey('rsa', 'rsa-2048');
    await rejectsWith(km.signData('rsa', digest('sha256'), { hashAlgorithm: 'SHA224' }), Code.INVALID_ARGUMENT, 'unsupported combination of keytype: rsa-2048 and hashing algorithm: SHA224');
    await rejectsWith(km.signData('nope', digest('sha256'), { hashAlgorithm: 'SHA256' }), Code.NOT_FOUND, 'key "nope" not found');
    await rejectsWith(km.signData('', digest('sha256'), { hashAlgorithm: 'SHA256' }), Code.INVALID_ARGUMENT, 'key id is required');
    await km.close();
  });

  const garbage: [string, unknown, string][] = [
    ['no signature', { data: {} }, 'transit engine sign call was successful but signature is missing'],
    ['a signature without the vault prefix', { data: { signature: 'MEUCIQ==' } }, 'signature is missing vault prefix'],
    ['a signature that is not base64', { data: { signature: 'vault:v1:***' } }, 'unable to base64 decode signature: illegal base64 data'],
  ];
  for (const [what, answer, message] of garbage) {
    it(`refuses a sign answer with ${what}`, async () => {
      const km = await startKeyManager(fx);
      await km.generateKey('ec', 'ec-p256');
      fx.emu.answerNext('transit.sign', answer);
      await rejectsWith(km.signData('ec', digest('sha256'), { hashAlgorithm: 'SHA256' }), Code.INTERNAL, message);
      await km.close();
    });
  }
});

describe('hashicorp_vault login', () => {
  it('fails configuration with wrong credentials or an expired token, with SPIRE messages', async () => {
    const url = fx.emu.url;
    await rejectsWith(
      startKeyManager(fx, 'approle_auth', { approle_auth: { approle_id: fx.roleId, approle_secret_id: 'bad' } }),
      Code.INTERNAL,
      `failed to prepare authenticated client: rpc error: code = Unauthenticated desc = authentication failed auth/approle/login: Error making API request.\n\nURL: PUT ${url}/v1/auth/approle/login\nCode: 400. Errors:\n\n* invalid role or secret ID`,
    );
    const token = fx.emu.createToken({ ttl: 1, renewable: false });
    await new Promise((r) => setTimeout(r, 1100));
    await rejectsWith(
      startKeyManager(fx, 'token_auth', { token_auth: { token } }),
      Code.INTERNAL,
      `failed to prepare authenticated client: rpc error: code = Internal desc = token lookup failed: Error making API request.\n\nURL: GET ${url}/v1/auth/token/lookup-self\nCode: 403. Errors:\n\n* permission denied`,
    );
  });

  it('never logs a token or a secret', async () => {
    const log = recordingLogger();
    for (const m of ['token_auth', 'cert_auth', 'approle_auth', 'k8s_auth'] as const) {
      const km = await startKeyManager(fx, m, {}, { log });
      await km.generateKey('k', 'ec-p256');
      await km.signData('k', digest('sha256'), { hashAlgorithm: 'SHA256' });
      await km.close();
    }
    assert.ok(log.records.length > 0);
    for (const s of fx.secrets()) assert.ok(!log.text().includes(s));
  });
});
