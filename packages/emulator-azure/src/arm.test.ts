import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { ClientSecretCredential } from '@azure/identity';
import { AzureEmulator } from './emulator.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const SUB = 'sub-1';

describe('AzureEmulator: ARM through the Azure SDK clients', () => {
  let az: AzureEmulator;
  let cred: ClientSecretCredential;
  before(async () => {
    az = await AzureEmulator.start();
    az.entra.registerApp(TENANT, 'app-1', 's3cret');
    cred = new ClientSecretCredential(TENANT, 'app-1', 's3cret', { authorityHost: az.url, disableInstanceDiscovery: true });
    az.arm.addVm({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      name: 'vm-1',
      principalId: 'p-1',
      nics: [{ name: 'nic-1', nsg: { resourceGroup: 'rg', name: 'nsg-1' }, subnets: [{ resourceGroup: 'net', vnet: 'vnet-1', subnet: 'sn-1' }] }],
    });
  });
  after(async () => az.close());

  it('lists resources by managed identity, following nextLink', async () => {
    az.arm.addVm({ subscriptionId: SUB, resourceGroup: 'rg', name: 'vm-2', principalId: 'p-2' });
    az.arm.addVm({ subscriptionId: SUB, resourceGroup: 'rg', name: 'vm-3', principalId: 'p-2' });
    az.arm.pageSize = 1;
    try {
      const c = new ResourceManagementClient(cred, SUB, { endpoint: az.url, $host: az.url });
      const ids: string[] = [];
      for await (const r of c.resources.list({ filter: "resourceType eq 'Microsoft.Compute/virtualMachines' and identity/principalId eq 'p-2'" })) ids.push(r.id!);
      assert.deepEqual(ids.map((i) => i.split('/').at(-1)), ['vm-2', 'vm-3']);
      assert.equal(az.calls('arm.resources.list').length, 2);
    } finally {
      az.arm.pageSize = 100;
    }
  });

  it('serves the VM and its NIC with NSG and subnet ids', async () => {
    const vm = await new ComputeManagementClient(cred, SUB, { endpoint: az.url }).virtualMachines.get('rg', 'vm-1');
    const nicId = vm.networkProfile?.networkInterfaces?.[0]?.id ?? '';
    assert.match(nicId, /\/resourceGroups\/rg\/providers\/Microsoft.Network\/networkInterfaces\/nic-1$/);
    const nic = await new NetworkManagementClient(cred, SUB, { endpoint: az.url, $host: az.url }).networkInterfaces.get('rg', 'nic-1');
    assert.match(nic.networkSecurityGroup?.id ?? '', /networkSecurityGroups\/nsg-1$/);
    assert.match(nic.ipConfigurations?.[0]?.subnet?.id ?? '', /resourceGroups\/net\/providers\/Microsoft.Network\/virtualNetworks\/vnet-1\/subnets\/sn-1$/);
  });

  it('answers ARM 404 for an unknown VM and 401 without a token it issued', async () => {
    const c = new ComputeManagementClient(cred, SUB, { endpoint: az.url });
    await assert.rejects(c.virtualMachines.get('rg', 'nope'), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'ResourceNotFound');
    const res = await fetch(`${az.url}/subscriptions/${SUB}/resources`, { headers: { authorization: 'Bearer forged' } });
    assert.equal(res.status, 401);
  });
});
