import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { makeUA, mint } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture({ lease: { ttl: 2, maxTtl: 3 } });
});
after(() => fx.close());

describe('vault login lifetime', () => {
  it('logs in at the first mint, renews the 2 s token, and logs in again at the next mint once renewal stops', async () => {
    const log = recordingLogger();
    const ua = makeUA(fx, 'k8s_auth', {}, { log });
    assert.equal(fx.emu.callsOf('auth.login').length, 0, 'no login before the first mint');
    await mint(ua);
    assert.equal(fx.emu.callsOf('auth.login').length, 1);
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(fx.emu.callsOf('auth.token.renew-self').length >= 1, 'the token was renewed');
    await mint(ua);
    assert.equal(fx.emu.callsOf('auth.login').length, 2, 'logged in again');
    for (const s of fx.secrets()) assert.ok(!log.text().includes(s));
    ua.close();
  });
});
