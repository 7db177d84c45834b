import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { hasWorkerKeys, silentLogger, TrustDomain, type KeyManager } from '@spire-ts/core/plugin';
import { memoryKeyManager } from './index.js';
import { memoryContractSetup } from './contract-harness.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };

async function make(): Promise<KeyManager> {
  const parsed = memoryKeyManager.parseConfig({}, core);
  assert.deepEqual(parsed.problems, []);
  return memoryKeyManager.create({ config: parsed.config!, log: silentLogger(), ...core, host: {} });
}

runKeyManagerContract('memory', memoryContractSetup('in-process'));

describe('memory KeyManager', () => {
  it('rejects any option, naming it', () => {
    assert.deepEqual(memoryKeyManager.parseConfig({ keys_path: '/x' }, core).problems, ['unknown option keys_path']);
  });

  it('lends its keys to the signing workers', async () => {
    const km = await make();
    assert.equal(hasWorkerKeys(km), true);
    await km.close?.();
  });

  it('keeps nothing across instances', async () => {
    const a = await make();
    await a.generateKey('k', 'ec-p256');
    const b = await make();
    assert.deepEqual(await b.getPublicKeys(), []);
  });
});
