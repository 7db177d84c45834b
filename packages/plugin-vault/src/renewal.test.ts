import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { sessionFor } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture({ lease: { ttl: 2, maxTtl: 4 } });
});
after(() => fx.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Vault token renewal', () => {
  it('renews a 2 s token until its max TTL nears, then logs in again at the next call; no secret is logged', async () => {
    const log = recordingLogger();
    const s = sessionFor(fx.pluginData('approle_auth'), { log });
    const start = Date.now();
    await s.call('GET', 'auth/token/lookup-self');
    const first = fx.emu.tokens.all().filter((t) => t.origin === 'approle').at(-1)!;
    while (first.renewals < 2 && Date.now() - start < 4000) await sleep(50);
    assert.ok(first.renewals >= 2, `renewed ${first.renewals} times`);
    assert.equal(s.logins, 1, 'renewal keeps the login');
    await sleep(Math.max(0, start + 4300 - Date.now()));
    await s.call('GET', 'auth/token/lookup-self');
    assert.equal(s.logins, 2, 'a second login once the first token could not be renewed any more');
    assert.match(log.text(), /Failed to renew auth token. Retries may have exceeded the lease time threshold|Token is about to expire/);
    for (const secret of fx.secrets()) assert.ok(!log.text().includes(secret));
    s.close();
  });

  it('logs in again instead of using a token that is not renewable once it is about to expire', async () => {
    fx.emu.auth.addAppRole('short', { ttl: 1, renewable: false, secretIds: ['x'] });
    const s = sessionFor(fx.pluginData('approle_auth', { approle_auth: { approle_id: 'short', approle_secret_id: 'x' } }));
    await s.call('GET', 'auth/token/lookup-self');
    await sleep(1100);
    await s.call('GET', 'auth/token/lookup-self');
    assert.equal(s.logins, 2);
    s.close();
  });

  it('stops renewing when Vault refuses the renewal, and logs in again at the next call', async () => {
    fx.emu.auth.addAppRole('revoked', { ttl: 1, secretIds: ['y'] });
    const log = recordingLogger();
    const s = sessionFor(fx.pluginData('approle_auth', { approle_auth: { approle_id: 'revoked', approle_secret_id: 'y' } }), { log });
    await s.call('GET', 'auth/token/lookup-self');
    const token = fx.emu.tokens.all().at(-1)!;
    fx.emu.tokens.revoke(token.id);
    const deadline = Date.now() + 3000;
    while (!log.records.some((r) => r.msg === 'Failed to renew auth token') && Date.now() < deadline) await sleep(50);
    const failed = log.records.find((r) => r.msg === 'Failed to renew auth token')!;
    assert.equal(failed.level, 'error');
    assert.match(String(failed.fields.err), /Code: 403\. Errors:\n\n\* permission denied/);
    await s.call('GET', 'auth/token/lookup-self');
    assert.equal(s.logins, 2);
    assert.ok(!log.text().includes(token.id));
    s.close();
  });

  it('tries a failed renewal again (Vault restarting, say) and keeps the login', async () => {
    const log = recordingLogger();
    const s = sessionFor(fx.pluginData('approle_auth'), { log, retrySleep: async () => {} });
    await s.call('GET', 'auth/token/lookup-self');
    const token = fx.emu.tokens.all().filter((t) => t.origin === 'approle').at(-1)!;
    // The first renewal fails, the client's own retries included.
    fx.emu.http.fail('auth.token.renew-self', 503, { errors: ['Vault is sealed'] }, 3);
    const deadline = Date.now() + 3000;
    while (token.renewals < 1 && Date.now() < deadline) await sleep(25);
    assert.equal(token.renewals, 1, 'renewed on the second try');
    const warned = log.records.find((r) => r.msg === 'Failed to renew auth token; trying again');
    assert.equal(warned?.level, 'warn');
    await s.call('GET', 'auth/token/lookup-self');
    assert.equal(s.logins, 1, 'the same login');
    s.close();
  });

  it('gives up when renewals keep failing until only the grace period is left, then logs in again', async () => {
    const log = recordingLogger();
    const s = sessionFor(fx.pluginData('approle_auth'), { log, retrySleep: async () => {} });
    await s.call('GET', 'auth/token/lookup-self');
    fx.emu.http.fail('auth.token.renew-self', 503, { errors: ['Vault is sealed'] }, 1000);
    try {
      const deadline = Date.now() + 4000;
      const gaveUp = () => log.records.find((r) => r.msg === 'Failed to renew auth token. Retries may have exceeded the lease time threshold');
      while (!gaveUp() && Date.now() < deadline) await sleep(25);
      assert.equal(gaveUp()?.level, 'error');
      assert.ok(log.records.filter((r) => r.msg === 'Failed to renew auth token; trying again').length >= 1);
    } finally {
      fx.emu.http.clearFaults();
    }
    s.close();
  });
});
