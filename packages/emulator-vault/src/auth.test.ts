import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VaultEmulator } from './emulator.js';
import { call } from './test-support.js';

let emu: VaultEmulator;
before(async () => {
  emu = await VaultEmulator.start();
});
after(() => emu.close());

describe('Vault emulator auth', () => {
  it('looks a token up, renews it up to its max TTL, then refuses it once expired (403 permission denied)', async () => {
    let now = Date.now();
    emu.tokens.now = () => now;
    const token = emu.createToken({ ttl: 10, maxTtl: 15 });
    const look = await call(emu, 'GET', '/v1/auth/token/lookup-self', { token });
    assert.equal(look.status, 200);
    assert.equal(look.json.data.ttl, 10);
    assert.equal(look.json.data.renewable, true);
    now += 8000;
    const renewed = await call(emu, 'PUT', '/v1/auth/token/renew-self', { token, body: { increment: 10 } });
    assert.equal(renewed.json.auth.lease_duration, 7, 'capped by the max TTL');
    assert.match(renewed.json.warnings[0], /capped/);
    now += 7000;
    const expired = await call(emu, 'GET', '/v1/auth/token/lookup-self', { token });
    assert.deepEqual(expired, { status: 403, json: { errors: ['permission denied'] } });
    emu.tokens.now = Date.now;
  });

  it('logs in with AppRole and Kubernetes; wrong credentials are refused as Vault refuses them', async () => {
    emu.auth.addAppRole('role-1', { secretIds: ['s3cret'], ttl: 60, maxTtl: 120 });
    const ok = await call(emu, 'PUT', '/v1/auth/approle/login', { body: { role_id: 'role-1', secret_id: 's3cret' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.auth.lease_duration, 60);
    assert.equal((await call(emu, 'GET', '/v1/auth/token/lookup-self', { token: ok.json.auth.client_token })).status, 200);
    assert.deepEqual(await call(emu, 'PUT', '/v1/auth/approle/login', { body: { role_id: 'role-1', secret_id: 'nope' } }), { status: 400, json: { errors: ['invalid role or secret ID'] } });
    emu.auth.addK8sRole('spire', { jwts: ['jwt-1'], ttl: 30, renewable: false });
    const k8s = await call(emu, 'POST', '/v1/auth/kubernetes/login', { body: { role: 'spire', jwt: 'jwt-1' } });
    assert.equal(k8s.json.auth.renewable, false);
    assert.deepEqual(await call(emu, 'POST', '/v1/auth/kubernetes/login', { body: { role: 'spire', jwt: 'other' } }), { status: 403, json: { errors: ['permission denied'] } });
  });

  it('logs in with a client certificate the role trusts, and only then', async () => {
    const id = await emu.certAuthIdentity('web', { ttl: 30 });
    const ok = await call(emu, 'PUT', '/v1/auth/cert/login', { body: { name: 'web' }, cert: id });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    const none = await call(emu, 'PUT', '/v1/auth/cert/login', { body: { name: 'web' } });
    assert.deepEqual(none, { status: 400, json: { errors: ['invalid certificate or no client certificate supplied'] } });
    const other = await emu.certAuthIdentity('other', { ttl: 30 });
    assert.equal((await call(emu, 'PUT', '/v1/auth/cert/login', { body: { name: 'web' }, cert: other })).status, 400);
  });

  it('scopes roles and tokens to the namespace header, and records it', async () => {
    emu.auth.addAppRole('ns-role', { secretIds: ['x'], ttl: 60 }, { namespace: 'team-a' });
    assert.equal((await call(emu, 'PUT', '/v1/auth/approle/login', { body: { role_id: 'ns-role', secret_id: 'x' } })).status, 400);
    const ok = await call(emu, 'PUT', '/v1/auth/approle/login', { ns: 'team-a', body: { role_id: 'ns-role', secret_id: 'x' } });
    const token = ok.json.auth.client_token as string;
    assert.equal((await call(emu, 'GET', '/v1/auth/token/lookup-self', { token, ns: 'team-a' })).status, 200);
    assert.equal((await call(emu, 'GET', '/v1/auth/token/lookup-self', { token })).status, 403);
    assert.equal(emu.callsOf('auth.login').at(-1)!.namespace, 'team-a');
  });
});
