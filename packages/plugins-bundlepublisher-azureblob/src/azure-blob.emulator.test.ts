import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Code, fromPem, type BundlePublisher } from '@spire-ts/core/plugin';
import { realBundle, rejectsWith, runBundlePublisherContract } from '@spire-ts/core/plugin/testing';
import { LOOPBACK_ACCOUNT, type AzureEmulator } from '@spire-ts/emulator-azure';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { TEST_APP, TEST_CONTAINER, blobPluginData, publisherFor, publisherWithTimeout, readBlob, startBlobEmulator } from './test-support.js';

for (const servedAs of ['in-process', 'external'] as const) {
  runBundlePublisherContract(`azure_blob (Azure emulator, pem, ${servedAs})`, async () => {
    const az = await startBlobEmulator();
    const data = blobPluginData(az, { format: 'pem', blob_name: 'contract.pem' });
    const started = await startDescriptorForTest<BundlePublisher>(servedAs, import.meta.resolve('./index.js'), 'azureBlobBundlePublisher', { data });
    return {
      publisher: started.plugin,
      published: async () => {
        const text = readBlob(az, 'contract.pem');
        if (text === undefined) return undefined;
        return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
      },
      close: async () => {
        await started.close();
        await az.close();
      },
    };
  });
}

describe('azure_blob against the emulator (real SDK)', () => {
  let az: AzureEmulator;
  before(async () => {
    az = await startBlobEmulator();
  });
  after(async () => az.close());

  it('spiffe: the blob is the SPIFFE bundle with the refresh hint', async () => {
    const p = await publisherFor(blobPluginData(az, { blob_name: 'spiffe.json', refresh_hint: '10m' }));
    await p.publishBundle(realBundle(4));
    const doc = JSON.parse(readBlob(az, 'spiffe.json')!) as { keys: { use: string; kid?: string; x5c?: string[] }[]; spiffe_sequence: number; spiffe_refresh_hint: number };
    assert.deepEqual(doc.keys.map((k) => k.use), ['x509-svid', 'jwt-svid']);
    assert.equal(new X509Certificate(Buffer.from(doc.keys[0]!.x5c![0]!, 'base64')).subject, 'CN=ca-4');
    assert.equal(doc.spiffe_sequence, 4);
    assert.equal(doc.spiffe_refresh_hint, 600);
  });

  it('jwks and pem formats', async () => {
    const jwks = await publisherFor(blobPluginData(az, { blob_name: 'bundle.jwks', format: 'jwks' }));
    await jwks.publishBundle(realBundle(2));
    assert.deepEqual(Object.keys(JSON.parse(readBlob(az, 'bundle.jwks')!) as object), ['keys']);
    const pem = await publisherFor(blobPluginData(az, { blob_name: 'bundle.pem', format: 'pem' }));
    await pem.publishBundle(realBundle(1));
    assert.equal(new X509Certificate(readBlob(az, 'bundle.pem')!).subject, 'CN=ca-1');
  });

  it('an unchanged bundle is not uploaded again; a changed one is', async () => {
    const p = await publisherFor(blobPluginData(az, { blob_name: 'once.pem', format: 'pem' }));
    const b1 = realBundle(1);
    await p.publishBundle(b1);
    await p.publishBundle(structuredClone(b1));
    const puts = () => az.blob.puts.filter((k) => k.endsWith('/once.pem'));
    assert.deepEqual(puts(), [`${LOOPBACK_ACCOUNT}/${TEST_CONTAINER}/once.pem`]);
    await p.publishBundle(realBundle(2));
    assert.equal(puts().length, 2);
  });

  it('a failed upload is INTERNAL with the service error and is retried at the next call', async () => {
    const p = await publisherFor(blobPluginData(az, { container_name: 'later', blob_name: 'b.pem', format: 'pem' }));
    const b = realBundle(1);
    await rejectsWith(p.publishBundle(b), Code.INTERNAL, 'failed to upload blob: ContainerNotFound: The specified container does not exist.');
    az.blob.accounts.get(LOOPBACK_ACCOUNT)!.containers.set('later', new Map());
    await p.publishBundle(b);
    assert.equal(new X509Certificate(readBlob(az, 'b.pem', 'later')!).subject, 'CN=ca-1');
  });

  it('a wrong account key is refused by the service; a key that is not base64 at configure', async () => {
    const p = await publisherFor(blobPluginData(az, { storage_account_key: Buffer.alloc(64).toString('base64') }));
    await rejectsWith(p.publishBundle(realBundle(1)), Code.INTERNAL, /^failed to upload blob: AuthenticationFailed: Server failed to authenticate the request/);
    await rejectsWith(publisherFor(blobPluginData(az, { storage_account_key: 'not base64!' })), Code.INTERNAL, 'unable to get shared key credential: decode account key: illegal base64 data');
  });

  it('uploads with the application\'s client secret credential (bearer from the Entra emulator)', async () => {
    const data = blobPluginData(az, { storage_account_key: undefined, tenant_id: TEST_APP.tenantId, app_id: TEST_APP.appId, app_secret: TEST_APP.appSecret, blob_name: 'bearer.pem', format: 'pem' });
    delete data.storage_account_key;
    const p = await publisherFor(data);
    await p.publishBundle(realBundle(3));
    assert.equal(new X509Certificate(readBlob(az, 'bearer.pem')!).subject, 'CN=ca-3');
    assert.match(az.calls('blob.put').at(-1)!.authorization!, /^Bearer /);
  });

  it('a storage service that is slow or down gives UNAVAILABLE within the timeout', async () => {
    const p = publisherWithTimeout(blobPluginData(az, { blob_name: 'slow.pem', format: 'pem' }), 600);
    az.setLatencyMs(5_000);
    const t0 = Date.now();
    await rejectsWith(p.publishBundle(realBundle(1)), Code.UNAVAILABLE, /^failed to upload blob: /);
    assert.ok(Date.now() - t0 < 3_000);
    az.setLatencyMs(0);
    az.setUnavailable(true);
    await rejectsWith(p.publishBundle(realBundle(1)), Code.UNAVAILABLE, /^failed to upload blob: /);
    az.setUnavailable(false);
    await p.publishBundle(realBundle(1));
    assert.equal(new X509Certificate(readBlob(az, 'slow.pem')!).subject, 'CN=ca-1');
  });

  it('refuses a call without a bundle', async () => {
    const p = await publisherFor(blobPluginData(az));
    await rejectsWith(p.publishBundle(undefined as never), Code.INVALID_ARGUMENT, 'missing bundle in request');
  });
});
