import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AzureEmulator } from '@spire-ts/emulator-azure';
import { PERIODS } from './maintenance.js';
import { FakeTaskClock } from '@spire-ts/core/plugin/testing';
import { startKeyManager, startVaultEmulator } from './test-support.js';

const DAY = 86_400_000;
const td = (server: string, trustDomain = 'example.org') => ({ 'spire-server-td': trustDomain, 'spire-server-id': server });

describe('azure_key_vault background tasks (injected clock)', () => {
  let az: AzureEmulator;
  let clock: FakeTaskClock;
  before(async () => {
    az = await startVaultEmulator();
    clock = new FakeTaskClock();
    az.clock = () => clock.now();
  });
  after(async () => az.close());

  it('every 6 hours, this server\'s keys are updated so that their Updated timestamp moves', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-refresh' }, { clock });
    await km.generateKey('x509-CA-A', 'ec-p256');
    const name = [...az.keyVault.keys.keys()].find((n) => az.keyVault.current(n)!.tags['spire-server-id'] === 'server-refresh')!;
    const created = az.keyVault.current(name)!.updated;
    await clock.advance(PERIODS.refreshKeys - 1);
    assert.equal(az.keyVault.current(name)!.updated, created);
    await clock.advance(1);
    assert.equal(az.keyVault.current(name)!.updated, created + PERIODS.refreshKeys / 1000);
    await km.close();
  });

  it('every 48 hours, keys of other servers of the trust domain not updated for two weeks are deleted', async () => {
    const now = clock.now().getTime();
    await az.keyVault.seedKey('spire-key-stale', 'ec-p256', td('server-gone'), new Date(now - 15 * DAY));
    await az.keyVault.seedKey('spire-key-fresh', 'ec-p256', td('server-alive'), new Date(now - 10 * DAY));
    await az.keyVault.seedKey('spire-key-mine', 'ec-p256', td('server-dispose'), new Date(now - 30 * DAY));
    await az.keyVault.seedKey('spire-key-other-td', 'ec-p256', td('server-gone', 'other.org'), new Date(now - 30 * DAY));
    await az.keyVault.seedKey('untagged', 'ec-p256', {}, new Date(now - 30 * DAY));
    const km = await startKeyManager(az, { key_identifier_value: 'server-dispose' }, { clock });
    await clock.advance(PERIODS.disposeKeys - 1);
    assert.ok(az.keyVault.keys.has('spire-key-stale'));
    await clock.advance(1);
    await km.deleteQueue.whenIdle();
    assert.equal(az.keyVault.keys.has('spire-key-stale'), false);
    assert.ok(az.keyVault.deleted.has('spire-key-stale'));
    for (const kept of ['spire-key-fresh', 'spire-key-mine', 'spire-key-other-td', 'untagged']) assert.ok(az.keyVault.keys.has(kept), kept);
    await km.close();
  });

  it('a failed deletion is retried with backoff; a key already gone is dropped', async () => {
    const km = await startKeyManager(az, { key_identifier_value: 'server-retry' }, { clock });
    await az.keyVault.seedKey('spire-key-retry', 'ec-p256', td('x'));
    az.fail('keyvault.delete', 409, { error: { code: 'Conflict', message: 'busy' } }, 1);
    km.deleteQueue.push('spire-key-retry');
    km.deleteQueue.push('spire-key-never-existed');
    await km.deleteQueue.whenIdle();
    assert.ok(az.keyVault.keys.has('spire-key-retry'));
    await clock.advance(2_000);
    await km.deleteQueue.whenIdle();
    assert.equal(az.keyVault.keys.has('spire-key-retry'), false);
    assert.deepEqual(km.deleteQueue.pending, []);
    await km.close();
  });
});
