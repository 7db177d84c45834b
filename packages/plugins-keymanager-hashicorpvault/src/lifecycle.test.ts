import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startVaultFixture, type VaultFixture } from '@spire-ts/emulator-vault';
import { startKeyManager } from './test-support.js';

let fx: VaultFixture;
before(async () => {
  fx = await startVaultFixture();
});
after(() => fx.close());

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('hashicorp_vault key lifecycle', () => {
  it("creates non-exportable Transit keys named <server ID>-<UUID>-<key ID>, and finds them again after a restart", async () => {
    const km = await startKeyManager(fx);
    const pk = await km.generateKey('x509-CA-A', 'ec-p256');
    const key = [...fx.emu.transit.keys.values()].find((k) => k.name.endsWith('-x509-CA-A'))!;
    assert.match(key.name, new RegExp(`^server-a-${UUID}-x509-CA-A$`));
    assert.equal(key.type, 'ecdsa-p256');
    assert.equal(key.exportable, false);
    const body = JSON.parse(fx.emu.http.calls('transit.keys.create').at(-1)!.body) as Record<string, unknown>;
    assert.deepEqual(body, { type: 'ecdsa-p256', exportable: false, auto_rotate_period: 0 });
    await km.close();
    const again = await startKeyManager(fx);
    assert.deepEqual(await again.getPublicKey('x509-CA-A'), pk);
    await again.close();
    const other = await startKeyManager(fx, 'approle_auth', { key_identifier_value: 'server-b' });
    assert.deepEqual(await other.getPublicKeys(), [], "another server's keys are not this one's");
    await other.close();
  });

  it('deletes a replaced key (allowing deletion first), and on start-up the older of two keys with one key ID', async () => {
    const km = await startKeyManager(fx, 'token_auth', { key_identifier_value: 'server-c' });
    await km.generateKey('JWT-Signer-A', 'ec-p384');
    const first = [...fx.emu.transit.keys.values()].find((k) => k.name.startsWith('server-c-'))!;
    await km.generateKey('JWT-Signer-A', 'rsa-2048');
    await new Promise((r) => setTimeout(r, 50));
    await km.deleteQueue.whenIdle();
    assert.equal(fx.emu.transit.key(first.name), undefined, 'the replaced key is gone');
    assert.ok(fx.emu.http.calls('transit.keys.config').some((c) => c.path.endsWith(`${first.name}/config`) && JSON.parse(c.body).deletion_allowed === true));
    // A restart mid-rotation: a newer key with the same key ID, not yet recorded.
    await km.close();
    const token = fx.token;
    const name = `server-c-00000000-0000-4000-8000-000000000000-JWT-Signer-A`;
    const res = await createDirectly(fx, token, `/v1/transit/keys/${name}`, { type: 'ecdsa-p256' });
    assert.equal(res, 204);
    const restarted = await startKeyManager(fx, 'token_auth', { key_identifier_value: 'server-c' });
    assert.equal((await restarted.getPublicKey('JWT-Signer-A')).type, 'ec-p256', 'the newer key is kept');
    await new Promise((r) => setTimeout(r, 50));
    await restarted.deleteQueue.whenIdle();
    assert.equal([...fx.emu.transit.keys.values()].filter((k) => k.name.startsWith('server-c-')).length, 1, 'the older key was deleted');
    await restarted.close();
  });

  it('uses transit_engine_path and the namespace', async () => {
    const nsFx = await startVaultFixture({ namespace: 'team-a', transitMount: 'spire-transit' });
    try {
      const km = await startKeyManager(nsFx, 'k8s_auth', { transit_engine_path: 'spire-transit' });
      await km.generateKey('k', 'ec-p256');
      assert.equal(nsFx.emu.transit.keys.size, 1);
      assert.ok(nsFx.emu.calls.every((c) => c.namespace === 'team-a'));
      await km.close();
    } finally {
      await nsFx.close();
    }
  });
});

/** Creates a key directly, as another writer would. */
function createDirectly(fx: VaultFixture, token: string, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, fx.emu.url), { method: 'POST', ca: readFileSync(fx.emu.caCertPath), headers: { 'X-Vault-Token': token, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
