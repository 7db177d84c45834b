import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { startVaultFixture, type AuthBlock, type VaultFixture } from '@spire-ts/emulator-vault';
import { recordingLogger } from '@spire-ts/core/plugin/testing';
import { VaultApiError } from './api-error.js';
import { sessionFor } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture();
});
after(() => fx.close());

const methods: AuthBlock[] = ['token_auth', 'cert_auth', 'approle_auth', 'k8s_auth'];

describe('Vault session', () => {
  for (const m of methods) {
    it(`logs in lazily with ${m} and calls Vault with the token`, async () => {
      const log = recordingLogger();
      const s = sessionFor(fx.pluginData(m), { log });
      const before = fx.emu.calls.length;
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(fx.emu.calls.length, before, 'nothing happens before the first call');
      const res = await s.call('GET', 'auth/token/lookup-self');
      assert.equal(typeof (res.data as { id: string }).id, 'string');
      assert.equal(s.logins, 1);
      await s.call('GET', 'auth/token/lookup-self');
      assert.equal(s.logins, 1, 'the login is kept');
      for (const secret of fx.secrets()) assert.ok(!log.text().includes(secret), 'no secret in the logs');
      s.close();
    });
  }

  it('keeps its TLS connection to Vault alive across calls (one Transit sign per SVID must not cost a handshake)', async () => {
    const s = sessionFor(fx.pluginData('token_auth'));
    await s.call('GET', 'auth/token/lookup-self');
    const opened = fx.emu.tlsConnections();
    for (let i = 0; i < 10; i++) await s.call('GET', 'auth/token/lookup-self');
    assert.equal(fx.emu.tlsConnections(), opened, 'ten calls in a row open no new connection');
    s.close();
  });

  it('refuses wrong credentials with the code and message SPIRE gives', async () => {
    const s = sessionFor(fx.pluginData('approle_auth', { approle_auth: { approle_id: fx.roleId, approle_secret_id: 'wrong' } }));
    await assert.rejects(s.call('GET', 'auth/token/lookup-self'), (e: Error & { code?: number }) => {
      assert.equal(e.code, Code.INTERNAL);
      assert.equal(
        e.message,
        `failed to prepare authenticated client: rpc error: code = Unauthenticated desc = authentication failed auth/approle/login: Error making API request.\n\nURL: PUT ${fx.emu.url}/v1/auth/approle/login\nCode: 400. Errors:\n\n* invalid role or secret ID`,
      );
      assert.ok(!e.message.includes('wrong'));
      return true;
    });
  });

  it('sends the namespace header on every call', async () => {
    const nsFx = await startVaultFixture({ namespace: 'team-a' });
    try {
      const s = sessionFor(nsFx.pluginData('approle_auth'));
      await s.call('GET', 'auth/token/lookup-self');
      assert.deepEqual(nsFx.emu.calls.map((c) => c.namespace), ['team-a', 'team-a']);
      const noNs = sessionFor(nsFx.pluginData('approle_auth', { namespace: '' }));
      await assert.rejects(noNs.call('GET', 'auth/token/lookup-self'), /invalid role or secret ID/);
      s.close();
    } finally {
      await nsFx.close();
    }
  });

  it('verifies Vault with ca_cert_path, refuses it without, and skips the check only with insecure_skip_verify', async () => {
    const data = fx.pluginData('token_auth');
    delete data.ca_cert_path;
    await assert.rejects(sessionFor(data).call('GET', 'auth/token/lookup-self'), /token lookup failed: Get ".*": (self-signed certificate|unable to (get local issuer|verify the first) certificate)/);
    const s = sessionFor({ ...data, insecure_skip_verify: true });
    await s.call('GET', 'auth/token/lookup-self');
    s.close();
    await assert.rejects(sessionFor(fx.pluginData('token_auth', { ca_cert_path: '/nonexistent/ca.pem' })).call('GET', 'x'), /failed to load CA certificate: ENOENT/);
  });

  it('bounds every call with its timeout', async () => {
    const s = sessionFor(fx.pluginData('token_auth'), { timeoutMs: 150 });
    await s.call('GET', 'auth/token/lookup-self');
    fx.emu.http.setLatencyMs(1000);
    try {
      await assert.rejects(s.call('GET', 'auth/token/lookup-self'), (e: unknown) => e instanceof VaultApiError && /timeout of 150ms exceeded/.test(e.message));
    } finally {
      fx.emu.http.setLatencyMs(0);
    }
    s.close();
  });

  it('sends a call again after 5xx, 412, 429 or no answer, VAULT_MAX_RETRIES times, waiting as Go\'s client does', async () => {
    const waits: number[] = [];
    const retrySleep = async (ms: number) => void waits.push(ms);
    const s = sessionFor(fx.pluginData('token_auth'), { retrySleep });
    await s.call('GET', 'auth/token/lookup-self');
    const before = fx.emu.http.calls('auth.token.lookup-self').length;
    fx.emu.http.fail('auth.token.lookup-self', 503, { errors: ['Vault is sealed'] }, 2);
    await s.call('GET', 'auth/token/lookup-self');
    assert.equal(fx.emu.http.calls('auth.token.lookup-self').length - before, 3, 'two retries, then the answer');
    assert.equal(waits.length, 2);
    assert.ok(waits[0]! >= 1000 && waits[0]! <= 1500, `first wait ${waits[0]}`);
    assert.ok(waits[1]! >= 2000 && waits[1]! <= 3000, `second wait ${waits[1]}`);

    // One failure more than the retries: the last answer is the error.
    fx.emu.http.fail('auth.token.lookup-self', 500, { errors: ['internal error'] }, 3);
    await assert.rejects(s.call('GET', 'auth/token/lookup-self'), (e: unknown) => e instanceof VaultApiError && e.status === 500);
    for (const status of [412, 429]) {
      fx.emu.http.fail('auth.token.lookup-self', status, { errors: ['later'] }, 1);
      await s.call('GET', 'auth/token/lookup-self');
    }
    // Not retried: 501, 4xx.
    waits.length = 0;
    for (const status of [501, 400]) {
      fx.emu.http.fail('auth.token.lookup-self', status, { errors: ['no'] }, 1);
      await assert.rejects(s.call('GET', 'auth/token/lookup-self'), (e: unknown) => e instanceof VaultApiError && e.status === status);
    }
    assert.deepEqual(waits, []);
    s.close();

    // VAULT_MAX_RETRIES=0: the first failure is the answer.
    const none = sessionFor(fx.pluginData('token_auth'), { retrySleep, env: { VAULT_MAX_RETRIES: '0' } });
    await none.call('GET', 'auth/token/lookup-self');
    fx.emu.http.fail('auth.token.lookup-self', 503, { errors: ['Vault is sealed'] }, 1);
    await assert.rejects(none.call('GET', 'auth/token/lookup-self'), (e: unknown) => e instanceof VaultApiError && e.status === 503);
    assert.deepEqual(waits, []);
    none.close();
  });

  it('retries a refused connection, then reports it', async () => {
    const waits: number[] = [];
    const s = sessionFor({ vault_addr: 'http://127.0.0.1:9', token_auth: { token: 't' } }, { retrySleep: async (ms) => void waits.push(ms) });
    await assert.rejects(s.call('GET', 'auth/token/lookup-self'), /ECONNREFUSED/);
    assert.equal(waits.length, 2);
    s.close();
  });
});
