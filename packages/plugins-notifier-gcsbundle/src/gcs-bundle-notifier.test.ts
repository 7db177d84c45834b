import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromPem, silentLogger } from '@spire-ts/core/plugin';
import { FakeBucketClient } from './bucket-client.fake.js';
import { bundleOf } from './emulator.test-support.js';
import { GcsBundleNotifier } from './gcs-bundle-notifier.js';

const config = { bucket: 'b', objectPath: 'o.pem', serviceAccountFile: '' };
const authorities = (fake: FakeBucketClient) => fromPem(fake.objects.get('b/o.pem')?.data ?? '').map((d) => d[4]!);

describe('gcs_bundle notifier (fake bucket)', () => {
  it('reads the generation, then uploads at it; lost races start again from the read', async () => {
    const fake = new FakeBucketClient();
    const n = new GcsBundleNotifier(config, () => fake, silentLogger());
    await n.notifyAndAdviseBundleLoaded(bundleOf(1));
    fake.racesLeft = 2;
    await n.notifyBundleUpdated(bundleOf(2));
    assert.deepEqual(fake.calls, ['get', 'put@0', 'get', 'put@1', 'get', 'put@2', 'get', 'put@3']);
    assert.deepEqual(authorities(fake), [2]);
  });

  it('writes the bundle of the IdentityProvider, read after the generation', async () => {
    const fake = new FakeBucketClient();
    const order: string[] = [];
    const host = { identityProvider: { fetchX509Identity: async () => (order.push(`fetch after ${fake.calls.at(-1)}`), { certChain: [], bundle: bundleOf(9) }) } };
    await new GcsBundleNotifier(config, () => fake, silentLogger(), host).notifyBundleUpdated(bundleOf(1));
    assert.deepEqual(order, ['fetch after get']);
    assert.deepEqual(authorities(fake), [9]);
  });

  it('an IdentityProvider that is not ready yet falls back to the notified bundle', async () => {
    const fake = new FakeBucketClient();
    const host = { identityProvider: { fetchX509Identity: () => Promise.reject(new Error('the server has no X509-SVID yet')) } };
    await new GcsBundleNotifier(config, () => fake, silentLogger(), host).notifyAndAdviseBundleLoaded(bundleOf(4));
    assert.deepEqual(authorities(fake), [4]);
  });

  it('makes a new client for each event, as SPIRE', async () => {
    let made = 0;
    const n = new GcsBundleNotifier(config, () => (made++, new FakeBucketClient()), silentLogger());
    await n.notifyAndAdviseBundleLoaded(bundleOf(1));
    await n.notifyBundleUpdated(bundleOf(2));
    assert.equal(made, 2);
  });
});
