import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, silentLogger } from '@spire-ts/core/plugin';
import { rejectsWith, sampleBundle } from '@spire-ts/core/plugin/testing';
import { AzureBlobPublisher } from './azure-blob-publisher.js';
import { FakeBlobStore } from './blob-upload.fake.js';
import { parseAzureBlobConfig } from './config.js';

const publisher = (over: Record<string, unknown> = {}) => {
  const store = new FakeBlobStore();
  const config = parseAzureBlobConfig({ storage_account_name: 'a', container_name: 'c', blob_name: 'b', format: 'pem', ...over }).config!;
  return { store, p: new AzureBlobPublisher(config, store, silentLogger()) };
};

describe('azure_blob publisher (fake store)', () => {
  it('a network failure is UNAVAILABLE and nothing is remembered', async () => {
    const { store, p } = publisher();
    store.failNext = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    await rejectsWith(p.publishBundle(sampleBundle()), Code.UNAVAILABLE, 'failed to upload blob: connect ECONNREFUSED 127.0.0.1:1');
    await p.publishBundle(sampleBundle());
    assert.equal(store.uploads, 2);
    assert.ok(store.blobs.get('c/b')?.startsWith('-----BEGIN CERTIFICATE-----'));
  });

  it('a service error is INTERNAL with its code', async () => {
    const { store, p } = publisher();
    store.failNext = Object.assign(new Error('This request is not authorized to perform this operation.'), { code: 'AuthorizationFailure', statusCode: 403 });
    await rejectsWith(p.publishBundle(sampleBundle()), Code.INTERNAL, 'failed to upload blob: AuthorizationFailure: This request is not authorized to perform this operation.');
  });
});
