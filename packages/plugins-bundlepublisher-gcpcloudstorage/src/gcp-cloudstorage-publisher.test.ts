import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, fromPem, silentLogger, type PluginBundle } from '@spire-ts/core/plugin';
import { rejectsWith, runBundlePublisherContract, sampleBundle } from '@spire-ts/core/plugin/testing';
import type { GcpCloudStorageConfig } from './config.js';
import { GcpCloudStoragePublisher } from './gcp-cloudstorage-publisher.js';
import { FakeObjectWriter } from './object-writer.fake.js';

const config = (over: Partial<GcpCloudStorageConfig> = {}): GcpCloudStorageConfig => ({
  bucketName: 'b',
  objectName: 'o',
  format: 'pem',
  serviceAccountFile: '',
  refreshHintSeconds: 0,
  notes: [],
  ...over,
});

function pemBundle(text: string | undefined): PluginBundle | undefined {
  if (text === undefined) return undefined;
  return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
}

runBundlePublisherContract('gcp_cloudstorage (fake writer, pem)', async () => {
  const fake = new FakeObjectWriter();
  const publisher = new GcpCloudStoragePublisher(config(), fake, silentLogger());
  return { publisher, published: async () => pemBundle(fake.objects.get('b/o')), close: async () => {} };
});

describe('gcp_cloudstorage publisher (fake writer)', () => {
  it('does not write a bundle equal to the last one written', async () => {
    const fake = new FakeObjectWriter();
    const p = new GcpCloudStoragePublisher(config(), fake, silentLogger());
    await p.publishBundle(sampleBundle(1));
    await p.publishBundle(sampleBundle(1));
    assert.equal(fake.writes, 1);
    await p.publishBundle(sampleBundle(2));
    assert.equal(fake.writes, 2);
  });

  it('a failed write is INTERNAL and the next call writes the same bundle', async () => {
    const fake = new FakeObjectWriter();
    const p = new GcpCloudStoragePublisher(config(), fake, silentLogger());
    fake.failNext = new Error('spire@p.iam.gserviceaccount.com does not have storage.objects.create access');
    await rejectsWith(p.publishBundle(sampleBundle(1)), Code.INTERNAL, 'failed to close storage writer: spire@p.iam.gserviceaccount.com does not have storage.objects.create access');
    await p.publishBundle(sampleBundle(1));
    assert.equal(fake.writes, 2);
    assert.ok(fake.objects.get('b/o'));
  });

  it('a missing bundle is INVALID_ARGUMENT', async () => {
    const p = new GcpCloudStoragePublisher(config(), new FakeObjectWriter(), silentLogger());
    await rejectsWith(p.publishBundle(undefined as unknown as PluginBundle), Code.INVALID_ARGUMENT, 'missing bundle in request');
  });

  it('an authority that cannot be formatted is INTERNAL and nothing is written', async () => {
    const fake = new FakeObjectWriter();
    const p = new GcpCloudStoragePublisher(config({ format: 'spiffe' }), fake, silentLogger());
    await rejectsWith(p.publishBundle(sampleBundle(1)), Code.INTERNAL, /^could not format bundle: could not convert bundle to spiffe format: unable to parse root CA 0: /);
    assert.equal(fake.writes, 0);
  });
});
