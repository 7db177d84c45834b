import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { isSpireError } from '@spire-ts/core/plugin/testing';
import { agentStore, td } from './emulator.test-support.js';
import { azureMsiNodeAttestor, makeAzureMsiNodeAttestor } from './index.js';

describe('azure_msi: the built-in descriptor', () => {
  it('is named azure_msi', () => assert.equal(azureMsiNodeAttestor.name, 'azure_msi'));

  it('fails to start off Azure for a tenant without credentials (its subscription comes from IMDS)', async () => {
    const d = makeAzureMsiNodeAttestor({
      ownSubscriptionId: async () => {
        throw new Error('unable to fetch instance metadata: connect EHOSTUNREACH 169.254.169.254:80');
      },
    });
    const r = d.parseConfig({ tenants: { t1: {} } }, { trustDomain: td, dataDir: tmpdir() });
    await assert.rejects(
      async () => d.create({ config: r.config!, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: agentStore() }),
      isSpireError(Code.INVALID_ARGUMENT, 'unable to fetch instance metadata: connect EHOSTUNREACH 169.254.169.254:80'),
    );
  });

  it('builds the default credential chain with the subscription IMDS names', async () => {
    const d = makeAzureMsiNodeAttestor({ ownSubscriptionId: async () => 'sub-from-imds' });
    const r = d.parseConfig({ tenants: { t1: {} } }, { trustDomain: td, dataDir: tmpdir() });
    const a = await d.create({ config: r.config!, log: silentLogger(), trustDomain: td, dataDir: tmpdir(), host: agentStore() });
    assert.equal(typeof a.attest, 'function');
  });
});
