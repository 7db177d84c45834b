import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import { SUBSCRIPTION, agent, makeAttestor, startAzure, type AzureTestEnv } from './emulator.test-support.js';

describe('azure_imds: scale set instances', () => {
  let env: AzureTestEnv;
  before(async () => {
    env = await startAzure();
  });
  after(async () => env.close());

  it('attests a VMSS instance found through its scale set, with the vmss-name selector', async () => {
    const vmId = randomUUID();
    env.az.arm.addVmss({
      subscriptionId: SUBSCRIPTION,
      resourceGroup: 'pool-rg',
      name: 'pool',
      location: 'northeurope',
      instances: [
        { vmId: randomUUID() },
        { vmId, tags: { env: 'dev' }, nsg: { resourceGroup: 'pool-rg', name: 'pool-nsg' }, subnets: [{ resourceGroup: 'net', vnet: 'vnet', subnet: 'pool' }] },
      ],
    });
    const a = await makeAttestor(env);
    const got = await a.attest(new Uint8Array(), agent(env, { vmId, subscriptionId: SUBSCRIPTION }, { vmssName: 'pool' }));
    assert.deepEqual(got.selectorValues, [
      'network-security-group:pool-rg:pool-nsg',
      'resource-group:pool-rg',
      `subscription-id:${SUBSCRIPTION}`,
      'virtual-network-subnet:vnet:pool',
      'virtual-network:vnet',
      'vm-location:northeurope',
      'vm-name:pool_1',
      'vm-tag:env:dev',
      'vmss-name:pool',
    ]);
  });

  it('refuses an instance the scale set does not have, and a malformed scale set name', async () => {
    const a = await makeAttestor(env);
    const vm = { vmId: randomUUID(), subscriptionId: SUBSCRIPTION };
    await rejectsWith(a.attest(new Uint8Array(), agent(env, vm, { vmssName: 'pool' })), Code.INTERNAL, `VMSS instance "${vm.vmId}" not found`);
    await rejectsWith(
      a.attest(new Uint8Array(), agent(env, { vmId: randomUUID(), subscriptionId: SUBSCRIPTION }, { vmssName: "x' or 1=1" })),
      Code.INVALID_ARGUMENT,
      'invalid VMSS name: VMSS name can only contain alphanumeric characters, underscores, periods, and hyphens',
    );
  });
});
