import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, fromPem, silentLogger, type PluginBundle } from '@spire-ts/core/plugin';
import { rejectsWith, runBundlePublisherContract, sampleBundle } from '@spire-ts/core/plugin/testing';
import { AwsS3Publisher } from './aws-s3-publisher.js';
import type { AwsS3Config } from './config.js';
import { FakeObjectStore } from './object-put.fake.js';

const config = (over: Partial<AwsS3Config> = {}): AwsS3Config => ({
  accessKeyId: '',
  secretAccessKey: '',
  region: 'us-east-1',
  bucket: 'b',
  objectKey: 'k',
  format: 'pem',
  endpoint: '',
  refreshHintSeconds: 0,
  notes: [],
  ...over,
});

function pemBundle(text: string | undefined): PluginBundle | undefined {
  if (text === undefined) return undefined;
  return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
}

runBundlePublisherContract('aws_s3 (fake object store, pem)', async () => {
  const fake = new FakeObjectStore();
  const publisher = new AwsS3Publisher(config(), fake, silentLogger());
  return { publisher, published: async () => pemBundle(fake.objects.get('b/k')), close: async () => {} };
});

describe('aws_s3 publisher (fake object store)', () => {
  it('does not upload a bundle equal to the last one uploaded', async () => {
    const fake = new FakeObjectStore();
    const p = new AwsS3Publisher(config(), fake, silentLogger());
    await p.publishBundle(sampleBundle(1));
    await p.publishBundle(sampleBundle(1));
    assert.equal(fake.puts, 1);
    await p.publishBundle(sampleBundle(2));
    assert.equal(fake.puts, 2);
  });

  it('a failed upload is INTERNAL and the next call uploads the same bundle', async () => {
    const fake = new FakeObjectStore();
    const p = new AwsS3Publisher(config(), fake, silentLogger());
    fake.failNext = Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    await rejectsWith(p.publishBundle(sampleBundle(1)), Code.INTERNAL, 'failed to put object: AccessDenied: Access Denied');
    await p.publishBundle(sampleBundle(1));
    assert.equal(fake.puts, 2);
    assert.ok(fake.objects.get('b/k'));
  });

  it('a missing bundle is INVALID_ARGUMENT', async () => {
    const p = new AwsS3Publisher(config(), new FakeObjectStore(), silentLogger());
    await rejectsWith(p.publishBundle(undefined as unknown as PluginBundle), Code.INVALID_ARGUMENT, 'missing bundle in request');
  });

  it('an authority that cannot be formatted is INTERNAL and nothing is uploaded', async () => {
    const fake = new FakeObjectStore();
    const p = new AwsS3Publisher(config({ format: 'spiffe' }), fake, silentLogger());
    await rejectsWith(p.publishBundle(sampleBundle(1)), Code.INTERNAL, /^could not format bundle: could not convert bundle to spiffe format: unable to parse root CA 0: /);
    assert.equal(fake.puts, 0);
  });
});
