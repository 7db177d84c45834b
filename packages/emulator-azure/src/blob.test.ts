import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AzureEmulator } from './emulator.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

describe('AzureEmulator: Blob storage through @azure/storage-blob', () => {
  let az: AzureEmulator;
  let key: string;
  before(async () => {
    az = await AzureEmulator.start();
    key = az.blob.addAccount('acct', ['bundles']).key;
    az.entra.registerApp(TENANT, 'app-1', 's3cret');
  });
  after(async () => az.close());

  it('stores a block blob uploaded with the Shared Key and reads it back', async () => {
    const svc = new BlobServiceClient(az.blob.accountUrl('acct'), new StorageSharedKeyCredential('acct', key));
    await svc.getContainerClient('bundles').getBlockBlobClient('td/bundle.json').uploadData(Buffer.from('{"keys":[]}'));
    assert.equal(az.blob.read('acct', 'bundles', 'td/bundle.json'), '{"keys":[]}');
    const got = await svc.getContainerClient('bundles').getBlobClient('td/bundle.json').downloadToBuffer();
    assert.equal(got.toString(), '{"keys":[]}');
    assert.deepEqual(az.blob.puts, ['acct/bundles/td/bundle.json']);
  });

  it('accepts a bearer from the token endpoint; refuses a wrong key and a missing container', async () => {
    const cred = new ClientSecretCredential(TENANT, 'app-1', 's3cret', { authorityHost: az.url, disableInstanceDiscovery: true });
    const svc = new BlobServiceClient(az.blob.accountUrl('acct'), cred);
    await svc.getContainerClient('bundles').getBlockBlobClient('b').uploadData(Buffer.from('x'));
    assert.equal(az.blob.read('acct', 'bundles', 'b'), 'x');
    const wrong = new BlobServiceClient(az.blob.accountUrl('acct'), new StorageSharedKeyCredential('acct', Buffer.alloc(64).toString('base64')));
    await assert.rejects(wrong.getContainerClient('bundles').getBlockBlobClient('c').uploadData(Buffer.from('x')), (e: { statusCode?: number; code?: string }) => e.statusCode === 403 && e.code === 'AuthenticationFailed');
    await assert.rejects(svc.getContainerClient('nope').getBlockBlobClient('c').uploadData(Buffer.from('x')), (e: { code?: string }) => e.code === 'ContainerNotFound');
  });

  it('serviceEndpoint makes SPIRE\'s https://<account>.<endpoint> the emulator\'s account URL', () => {
    assert.equal(`https://127.${az.blob.serviceEndpoint('acct')}`, az.blob.accountUrl('acct'));
  });
});
