import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '@spire-ts/core/plugin';
import { makeEntry } from './key-entry.js';
import { disposeKeys, refreshKeys, type MaintenanceDeps } from './maintenance.js';
import { FakeVault } from './vault-client.fake.js';

const deps = (vault: FakeVault, over: Partial<MaintenanceDeps> = {}): MaintenanceDeps => ({
  vault,
  log: silentLogger(),
  trustDomain: 'example.org',
  serverId: 'me',
  now: () => new Date(),
  entries: () => [...vault.keys.values()].map((k) => makeEntry('id', 'ec-p256', k.kid, k.name, k.version, k.jwk)),
  enqueueDelete: () => undefined,
  ...over,
});

describe('azure_key_vault maintenance errors (fake vault)', () => {
  it('refresh skips a key it cannot read and reports the failed updates joined', async () => {
    const vault = new FakeVault();
    await vault.createKey('a', 'ec-p256', {});
    await vault.createKey('b', 'ec-p256', {});
    vault.failNext.getKey = new Error('gone');
    vault.failNext.touchKey = Object.assign(new Error('denied'), { code: 'Forbidden', statusCode: 403 });
    assert.equal(await refreshKeys(deps(vault)), 'Forbidden: denied');
    assert.deepEqual(vault.calls.slice(2), ['getKey a', 'getKey b', 'touchKey b']);
  });

  it('dispose returns the listing error and queues nothing', async () => {
    const vault = new FakeVault();
    vault.failNext.listKeys = new Error('network down');
    const queued: string[] = [];
    assert.equal(await disposeKeys(deps(vault, { enqueueDelete: (n) => void queued.push(n) })), 'network down');
    assert.deepEqual(queued, []);
  });
});
