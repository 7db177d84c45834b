import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, fromPem, silentLogger, TrustDomain, type BundlePublisher } from '@spire-ts/core/plugin';
import { realBundle, rejectsWith, runBundlePublisherContract } from '@spire-ts/core/plugin/testing';
import { GcpEmulator } from '@spire-ts/emulator-gcp';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { gcpCloudStorageBundlePublisher, GcpCloudStoragePublisher, gcsObjectWriter, parseGcpCloudStorageConfig } from './index.js';

let gcp: GcpEmulator;
const dir = mkdtempSync(join(tmpdir(), 'gcp-cloudstorage-'));
before(async () => {
  gcp = await GcpEmulator.start();
  Object.assign(process.env, gcp.env(), { STORAGE_EMULATOR_HOST: gcp.url });
  gcp.storage.createBucket('spire-bundle');
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await gcp.close();
});

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };
const data = (over: Record<string, unknown>) => ({ bucket_name: 'spire-bundle', object_name: 'bundle', format: 'pem', ...over });
async function publisherFor(raw: Record<string, unknown>): Promise<BundlePublisher> {
  const parsed = gcpCloudStorageBundlePublisher.parseConfig(raw, core);
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return gcpCloudStorageBundlePublisher.create({ config: parsed.config, log: silentLogger(), ...core, host: {} });
}
const read = (name: string) => gcp.storage.read('spire-bundle', name);
const inserts = (name: string) => gcp.calls('storage.objects.insert').filter((r) => r.query.name === name).length;

for (const servedAs of ['in-process', 'external'] as const) {
  runBundlePublisherContract(`gcp_cloudstorage (GCS emulator, pem, ${servedAs})`, async () => {
    const object = `contract-${servedAs}.pem`;
    const started = await startDescriptorForTest<BundlePublisher>(servedAs, import.meta.resolve('./index.js'), 'gcpCloudStorageBundlePublisher', { data: data({ object_name: object }) });
    return {
      publisher: started.plugin,
      published: async () => {
        const text = read(object);
        if (text === undefined) return undefined;
        return { trustDomain: 'example.org', x509Authorities: fromPem(text).map((asn1) => ({ asn1, tainted: false })), jwtAuthorities: [], refreshHint: 0, sequenceNumber: 0 };
      },
      close: async () => {
        await started.close();
        gcp.storage.objects.delete(`spire-bundle/${object}`);
      },
    };
  });
}

describe('gcp_cloudstorage against the GCS emulator (real client)', () => {
  it('spiffe: the object is the SPIFFE bundle with the x509-svid key, JWT key, sequence and refresh hint', async () => {
    const p = await publisherFor(data({ object_name: 'spiffe.json', format: 'spiffe', refresh_hint: '10m' }));
    await p.publishBundle(realBundle(4));
    const doc = JSON.parse(read('spiffe.json')!) as { keys: { use: string; kid?: string; x5c?: string[] }[]; spiffe_sequence: number; spiffe_refresh_hint: number };
    assert.deepEqual(doc.keys.map((k) => k.use), ['x509-svid', 'jwt-svid']);
    assert.equal(new X509Certificate(Buffer.from(doc.keys[0]!.x5c![0]!, 'base64')).subject, 'CN=ca-4');
    assert.equal(doc.keys[1]!.kid, 'kid-4');
    assert.equal(doc.spiffe_sequence, 4);
    assert.equal(doc.spiffe_refresh_hint, 600);
  });

  it('jwks: the keys without SPIFFE members', async () => {
    const p = await publisherFor(data({ object_name: 'bundle.jwks', format: 'JWKS' }));
    await p.publishBundle(realBundle(2));
    const doc = JSON.parse(read('bundle.jwks')!) as Record<string, unknown> & { keys: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(doc), ['keys']);
    assert.deepEqual(doc.keys.map((k) => [k.use, k.kid, Array.isArray(k.x5c)]), [[undefined, undefined, true], [undefined, 'kid-2', false]]);
  });

  it('pem: the CA certificate, parsed by node:crypto; an object name with slashes', async () => {
    const p = await publisherFor(data({ object_name: 'td/example.org/bundle.pem' }));
    await p.publishBundle(realBundle(1));
    assert.equal(new X509Certificate(read('td/example.org/bundle.pem')!).subject, 'CN=ca-1');
  });

  it('an unchanged bundle is not uploaded again; a changed one is', async () => {
    const p = await publisherFor(data({ object_name: 'once.pem' }));
    const b1 = realBundle(1);
    await p.publishBundle(b1);
    await p.publishBundle(structuredClone(b1));
    assert.equal(inserts('once.pem'), 1);
    await p.publishBundle(realBundle(2));
    assert.equal(inserts('once.pem'), 2);
    assert.equal(new X509Certificate(read('once.pem')!).subject, 'CN=ca-2');
  });

  it('a missing bucket is INTERNAL with the Cloud Storage error; nothing is remembered', async () => {
    const p = await publisherFor(data({ bucket_name: 'no-such-bucket' }));
    const b = realBundle(1);
    await rejectsWith(p.publishBundle(b), Code.INTERNAL, 'failed to close storage writer: The specified bucket does not exist.');
    await rejectsWith(p.publishBundle(b), Code.INTERNAL, 'failed to close storage writer: The specified bucket does not exist.');
  });

  it('Cloud Storage down: UNAVAILABLE within the timeout; the next publish, with it back, writes the same bundle', async () => {
    const parsed = parseGcpCloudStorageConfig(data({ object_name: 'retry.pem' }));
    const p = new GcpCloudStoragePublisher(parsed.config!, gcsObjectWriter('', 500), silentLogger());
    const b = realBundle(1);
    gcp.setUnavailable(true);
    const start = Date.now();
    try {
      await rejectsWith(p.publishBundle(b), Code.UNAVAILABLE, /^failed to close storage writer: /);
    } finally {
      gcp.setUnavailable(false);
    }
    assert.ok(Date.now() - start < 3000, `${Date.now() - start} ms`);
    await p.publishBundle(b);
    assert.equal(new X509Certificate(read('retry.pem')!).subject, 'CN=ca-1');
  });

  it('service_account_file that is missing or not a key fails the configuration (INTERNAL)', async () => {
    const missing = join(dir, 'missing.json');
    await rejectsWith(publisherFor(data({ service_account_file: missing })), Code.INTERNAL, `failed to create client: open ${missing}: no such file or directory`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{not json');
    await rejectsWith(publisherFor(data({ service_account_file: bad })), Code.INTERNAL, /^failed to create client: invalid service account file .*bad\.json: /);
  });
});
