import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Code, fromPem, pemCertificates, silentLogger, type Notifier } from '@spire-ts/core/plugin';
import { rejectsWith } from '@spire-ts/core/plugin/testing';
import type { GcpEmulator } from '@spire-ts/emulator-gcp';
import { startDescriptorForTest } from '@spire-ts/plugin-sdk/testing';
import { bundleOf, notifierFor, startGcp } from './emulator.test-support.js';
import { gcsBucketClient, GcsBundleNotifier } from './index.js';

let gcp: GcpEmulator;
const dir = mkdtempSync(join(tmpdir(), 'gcs-bundle-'));
before(async () => {
  gcp = await startGcp();
  gcp.storage.createBucket('bundles');
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await gcp.close();
});

const authorities = (object: string) => fromPem(gcp.storage.read('bundles', object) ?? '').map((d) => d[4]!);
const uploads = (from: number) => gcp.requests.slice(from).filter((r) => r.route === 'storage.objects.insert');

describe('gcs_bundle against the Cloud Storage emulator', () => {
  it('BundleLoaded creates the object (ifGenerationMatch=0) as PEM of the X.509 authorities; BundleUpdated replaces it at its generation', async () => {
    const n = await notifierFor({ bucket: 'bundles', object_path: 'spire/bundle.pem' });
    const start = gcp.requests.length;
    await n.notifyAndAdviseBundleLoaded(bundleOf(1, 2));
    assert.deepEqual(authorities('spire/bundle.pem'), [1, 2]);
    assert.equal(gcp.storage.read('bundles', 'spire/bundle.pem'), pemCertificates(bundleOf(1, 2).x509Authorities.map((a) => a.asn1)), 'no JWT keys');
    assert.equal(gcp.storage.object('bundles', 'spire/bundle.pem')!.contentType, 'application/x-pem-file');
    const gen = gcp.storage.object('bundles', 'spire/bundle.pem')!.generation;
    await n.notifyBundleUpdated(bundleOf(3));
    assert.deepEqual(authorities('spire/bundle.pem'), [3]);
    assert.deepEqual(uploads(start).map((r) => [r.query.uploadType, r.query.ifGenerationMatch]), [['multipart', '0'], ['multipart', String(gen)]]);
  });

  it('served as an external plugin (plugin_cmd): writes the bundle the server IdentityProvider gives', async () => {
    const host = { identityProvider: { fetchX509Identity: async () => ({ certChain: [], bundle: bundleOf(6, 7) }) } };
    const started = await startDescriptorForTest<Notifier>('external', import.meta.resolve('./index.js'), 'gcsBundleNotifier', {
      data: { bucket: 'bundles', object_path: 'external.pem' },
      host,
    });
    try {
      await started.plugin.notifyAndAdviseBundleLoaded(bundleOf(1));
      assert.deepEqual(authorities('external.pem'), [6, 7]);
    } finally {
      await started.close();
    }
  });

  it('a concurrent writer between read and upload (412 conditionNotMet) is retried with a fresh read', async () => {
    let calls = 0;
    const host = {
      identityProvider: {
        fetchX509Identity: async () => {
          // Another server writes the object after our generation read, before our upload.
          if (calls++ === 0) gcp.storage.write('bundles', 'race.pem', 'other server', 'application/x-pem-file');
          return { certChain: [], bundle: bundleOf(8) };
        },
      },
    };
    const n = await notifierFor({ bucket: 'bundles', object_path: 'race.pem' }, host);
    const start = gcp.requests.length;
    await n.notifyAndAdviseBundleLoaded(bundleOf(8));
    assert.deepEqual(authorities('race.pem'), [8]);
    const seen = gcp.requests.slice(start).map((r) => [r.route, r.query.ifGenerationMatch ?? '']);
    const gen = String(gcp.storage.object('bundles', 'race.pem')!.generation);
    assert.equal(seen.length, 4, JSON.stringify(seen));
    assert.deepEqual(seen.slice(0, 2), [['storage.objects.get', ''], ['storage.objects.insert', '0']]);
    assert.equal(seen[2]![0], 'storage.objects.get');
    assert.equal(seen[3]![0], 'storage.objects.insert');
    assert.notEqual(seen[3]![1], '0');
    assert.notEqual(seen[3]![1], gen, 'the second upload was at the other writer’s generation');
  });

  it('a bucket that does not exist fails BundleLoaded (which stops the server) with SPIRE’s message', async () => {
    const n = await notifierFor({ bucket: 'missing', object_path: 'b.pem' });
    await rejectsWith(n.notifyAndAdviseBundleLoaded(bundleOf(1)), Code.UNKNOWN, 'unable to update bundle object missing/b.pem: The specified bucket does not exist.');
  });

  it('a failed metadata read is UNKNOWN naming the object', async () => {
    const n = await notifierFor({ bucket: 'bundles', object_path: 'denied.pem' });
    const message = 'spire@p.iam.gserviceaccount.com does not have storage.objects.get access';
    gcp.fail('storage.objects.get', 403, { error: { code: 403, message, errors: [{ domain: 'global', reason: 'forbidden', message }] } });
    await rejectsWith(n.notifyBundleUpdated(bundleOf(1)), Code.UNKNOWN, 'unable to get bundle object bundles/denied.pem: spire@p.iam.gserviceaccount.com does not have storage.objects.get access');
    assert.equal(gcp.storage.read('bundles', 'denied.pem'), undefined);
  });

  it('Cloud Storage down: UNAVAILABLE within the call timeout', async () => {
    const n = new GcsBundleNotifier({ bucket: 'bundles', objectPath: 'down.pem', serviceAccountFile: '' }, (f) => gcsBucketClient(f, 500), silentLogger());
    gcp.setUnavailable(true);
    const start = Date.now();
    try {
      await rejectsWith(n.notifyBundleUpdated(bundleOf(1)), Code.UNAVAILABLE, /^unable to get bundle object bundles\/down\.pem: /);
    } finally {
      gcp.setUnavailable(false);
    }
    assert.ok(Date.now() - start < 3000, `${Date.now() - start} ms`);
  });

  it('service_account_file that is missing or not a key: UNKNOWN, nothing written', async () => {
    const missing = join(dir, 'missing.json');
    const n = await notifierFor({ bucket: 'bundles', object_path: 'sa.pem', service_account_file: missing });
    await rejectsWith(n.notifyAndAdviseBundleLoaded(bundleOf(1)), Code.UNKNOWN, `unable to instantiate bucket client: open ${missing}: no such file or directory`);
    const user = join(dir, 'user.json');
    writeFileSync(user, JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    const m = await notifierFor({ bucket: 'bundles', object_path: 'sa.pem', service_account_file: user });
    await rejectsWith(m.notifyAndAdviseBundleLoaded(bundleOf(1)), Code.UNKNOWN, `unable to instantiate bucket client: invalid service account file ${user}: credential type is "authorized_user", expected "service_account"`);
    assert.equal(gcp.storage.read('bundles', 'sa.pem'), undefined);
  });
});
