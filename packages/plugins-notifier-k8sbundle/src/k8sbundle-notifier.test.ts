import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Code, pemCertificates, silentLogger, SpireError } from '@spire-ts/core/plugin';
import { bundleOf } from './emulator.test-support.js';
import { K8sBundleNotifier } from './k8sbundle-notifier.js';
import { FakeTarget } from './targets.fake.js';

const pemOf = (...ns: number[]) => pemCertificates(bundleOf(...ns).x509Authorities.map((a) => a.asn1));

function rejection(message: string) {
  return (e: unknown) => {
    assert.ok(e instanceof SpireError, String(e));
    assert.equal(e.code, Code.INTERNAL);
    assert.equal(e.message, message);
    return true;
  };
}

describe('k8sbundle notifier (fake targets)', () => {
  it('writes every object of every target', async () => {
    const a = new FakeTarget();
    const b = new FakeTarget();
    a.objects.set('ns/one', { pem: '', rv: 1 });
    b.objects.set('/two', { pem: '', rv: 1 });
    await new K8sBundleNotifier([a, b], silentLogger()).notifyAndAdviseBundleLoaded(bundleOf(1));
    assert.equal(a.objects.get('ns/one')!.pem, pemOf(1));
    assert.equal(b.objects.get('/two')!.pem, pemOf(1));
  });

  it('an object already up to date is not patched and is not an error', async () => {
    const t = new FakeTarget();
    t.objects.set('ns/one', { pem: pemOf(1), rv: 1 });
    await new K8sBundleNotifier([t], silentLogger()).notifyBundleUpdated(bundleOf(1));
    assert.equal(t.patches, 0);
  });

  it('4 conflicts are retried; the 5th fails naming the object', async () => {
    const t = new FakeTarget();
    t.objects.set('ns/one', { pem: '', rv: 1 });
    const n = new K8sBundleNotifier([t], silentLogger());
    t.conflictsLeft = 4;
    await n.notifyBundleUpdated(bundleOf(2));
    assert.equal(t.patches, 5);
    t.conflictsLeft = 5;
    await assert.rejects(n.notifyBundleUpdated(bundleOf(3)), rejection('unable to update: ns/one: Operation cannot be fulfilled on fakes "one"'));
    assert.equal(t.objects.get('ns/one')!.pem, pemOf(2));
  });

  it('failures are collected over targets and objects; the rest is still written', async () => {
    const broken = new FakeTarget();
    broken.listError = Object.assign(new Error('x'), { code: 403, body: { message: 'fakes is forbidden' } });
    const ok = new FakeTarget();
    ok.objects.set('ns/good', { pem: '', rv: 1 });
    ok.objects.set('ns/gone', { pem: '', rv: 1 });
    const n = new K8sBundleNotifier([broken, ok], silentLogger());
    const get = ok.get.bind(ok);
    ok.get = (ref) => (ref.name === 'gone' ? Promise.reject(Object.assign(new Error('x'), { code: 404, body: { message: 'fakes "gone" not found' } })) : get(ref));
    await assert.rejects(
      n.notifyAndAdviseBundleLoaded(bundleOf(1)),
      rejection('unable to update: unable to get list: fakes is forbidden, ns/gone: unable to get object ns/gone: fakes "gone" not found'),
    );
    assert.equal(ok.objects.get('ns/good')!.pem, pemOf(1));
  });

  it('the bundle written is the server’s own, read after the object (IdentityProvider)', async () => {
    const t = new FakeTarget();
    t.objects.set('ns/one', { pem: '', rv: 1 });
    const host = { identityProvider: { fetchX509Identity: async () => ({ certChain: [], bundle: bundleOf(9) }) } };
    await new K8sBundleNotifier([t], silentLogger(), host).notifyBundleUpdated(bundleOf(1));
    assert.equal(t.objects.get('ns/one')!.pem, pemOf(9));
  });

  it('an IdentityProvider that is not ready yet falls back to the notified bundle', async () => {
    const t = new FakeTarget();
    t.objects.set('ns/one', { pem: '', rv: 1 });
    const host = { identityProvider: { fetchX509Identity: () => Promise.reject(new Error('the server has no X509-SVID yet')) } };
    await new K8sBundleNotifier([t], silentLogger(), host).notifyAndAdviseBundleLoaded(bundleOf(4));
    assert.equal(t.objects.get('ns/one')!.pem, pemOf(4));
  });
});
