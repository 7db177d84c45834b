import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Code, fromPem, type BundlePublisher } from '@spire-ts/core/plugin';
import { realBundle, rejectsWith, runBundlePublisherContract } from '@spire-ts/core/plugin/testing';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { S3Emulator } from '@spire-ts/emulator-aws';
import { publisherFor } from './publisher.test-support.js';

for (const servedAs of ['in-process', 'external'] as const) {
  runBundlePublisherContract(`aws_s3 (s3rver, pem, ${servedAs})`, async () => {
    const s3 = await S3Emulator.start();
    const data = s3.pluginData({ format: 'pem', object_key: 'contract.pem' });
    const started = await startDescriptorForTest<BundlePublisher>(servedAs, import.meta.resolve('./index.js'), 'awsS3BundlePublisher', { data });
    return {
      publisher: started.plugin,
      published: async () => {
        const text = await s3.read('contract.pem');
        if (text === undefined) return undefined;
        return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
      },
      close: async () => {
        await started.close();
        await s3.close();
      },
    };
  });
}

describe('aws_s3 against s3rver (real SDK, path-style endpoint)', () => {
  let s3: S3Emulator;
  before(async () => {
    s3 = await S3Emulator.start();
  });
  after(async () => {
    await s3.close();
  });

  it('spiffe: the object is the SPIFFE bundle with the x509-svid key, JWT key, sequence and refresh hint', async () => {
    const p = await publisherFor(s3.pluginData({ object_key: 'spiffe.json', refresh_hint: '10m' }));
    await p.publishBundle(realBundle(4));
    const doc = JSON.parse((await s3.read('spiffe.json'))!) as { keys: { use: string; kid?: string; x5c?: string[] }[]; spiffe_sequence: number; spiffe_refresh_hint: number };
    assert.deepEqual(doc.keys.map((k) => k.use), ['x509-svid', 'jwt-svid']);
    assert.equal(new X509Certificate(Buffer.from(doc.keys[0]!.x5c![0]!, 'base64')).subject, 'CN=ca-4');
    assert.equal(doc.keys[1]!.kid, 'kid-4');
    assert.equal(doc.spiffe_sequence, 4);
    assert.equal(doc.spiffe_refresh_hint, 600);
  });

  it('jwks: the keys without SPIFFE members', async () => {
    const p = await publisherFor(s3.pluginData({ object_key: 'bundle.jwks', format: 'JWKS' }));
    await p.publishBundle(realBundle(2));
    const doc = JSON.parse((await s3.read('bundle.jwks'))!) as Record<string, unknown> & { keys: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['keys']);
    assert.deepEqual(doc.keys.map((k) => [k.use, k.kid, Array.isArray(k.x5c)]), [[undefined, undefined, true], [undefined, 'kid-2', false]]);
  });

  it('pem: the CA certificate, parsed by node:crypto', async () => {
    const p = await publisherFor(s3.pluginData({ object_key: 'bundle.pem', format: 'pem' }));
    await p.publishBundle(realBundle(1));
    assert.equal(new X509Certificate((await s3.read('bundle.pem'))!).subject, 'CN=ca-1');
  });

  it('an unchanged bundle is not uploaded again; a changed one is', async () => {
    const p = await publisherFor(s3.pluginData({ object_key: 'once.pem', format: 'pem' }));
    const b1 = realBundle(1);
    await p.publishBundle(b1);
    await p.publishBundle(structuredClone(b1));
    assert.deepEqual(s3.puts.filter((k) => k.endsWith('/once.pem')), ['spire-trust-bundle/once.pem']);
    await p.publishBundle(realBundle(2));
    assert.equal(s3.puts.filter((k) => k.endsWith('/once.pem')).length, 2);
    assert.equal(new X509Certificate((await s3.read('once.pem'))!).subject, 'CN=ca-2');
  });

  it('a missing bucket is INTERNAL with the S3 error; nothing is remembered', async () => {
    const p = await publisherFor(s3.pluginData({ bucket: 'no-such-bucket' }));
    const b = realBundle(1);
    await rejectsWith(p.publishBundle(b), Code.INTERNAL, 'failed to put object: NoSuchBucket: The specified bucket does not exist');
    await rejectsWith(p.publishBundle(b), Code.INTERNAL, 'failed to put object: NoSuchBucket: The specified bucket does not exist');
  });
});

describe('aws_s3 when s3rver is down', () => {
  it('the upload fails INTERNAL; the next publish, with s3rver back, uploads the same bundle', async () => {
    const s3 = await S3Emulator.start();
    try {
      const p = await publisherFor(s3.pluginData({ object_key: 'retry.pem', format: 'pem' }));
      const b = realBundle(1);
      await s3.stop();
      await rejectsWith(p.publishBundle(b), Code.INTERNAL, /^failed to put object: .*ECONNREFUSED/);
      await s3.restart();
      await p.publishBundle(b);
      assert.equal(new X509Certificate((await s3.read('retry.pem'))!).subject, 'CN=ca-1');
    } finally {
      await s3.close();
    }
  });
});
