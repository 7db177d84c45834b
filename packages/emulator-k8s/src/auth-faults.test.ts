import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api, VersionApi } from '@kubernetes/client-node';
import { kubeConfigFrom, raw, rejection, useEmulator } from './client.test-support.js';

const e = useEmulator();

test('a kubeconfig with a token the emulator does not accept gets 401', async () => {
  const kc = kubeConfigFrom(e.k.writeKubeconfig({ token: 'not-a-valid-token' }));
  const r = await rejection(kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: 'x', namespace: 'default' }));
  assert.equal(r.code, 401);
  assert.equal(e.k.requests.at(-1)?.auth, 'none');
});

test('a request without credentials gets a 401 Status', async () => {
  const r = await raw(e.k, '/api/v1/namespaces/default/pods');
  assert.equal(r.code, 401);
  assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
});

test('/api and /apis list the served versions and groups', async () => {
  const headers = { authorization: `Bearer ${e.kc.getCurrentUser()?.token ?? ''}` };
  assert.deepEqual((await raw(e.k, '/api', headers)).body.versions, ['v1']);
  const groups = (await raw(e.k, '/apis', headers)).body.groups as { name: string }[];
  for (const g of ['admissionregistration.k8s.io', 'apiregistration.k8s.io', 'cert-manager.io', 'authentication.k8s.io']) {
    assert.ok(groups.some((x) => x.name === g), g);
  }
});

test('the client-certificate kubeconfig authenticates by certificate', async () => {
  e.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { a: 'b' } });
  const kc = kubeConfigFrom(e.k.kubeconfigClientCertPath);
  const cm = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ name: 'c', namespace: 'default' });
  assert.deepEqual(cm.data, { a: 'b' });
  assert.equal(e.k.requests.at(-1)?.auth, 'cert');
});

test('/version answers the version info', async () => {
  const v = await e.kc.makeApiClient(VersionApi).getCode();
  assert.equal(v.major, '1');
  assert.match(v.gitVersion, /^v1\.[0-9]+\.[0-9]+$/);
});

test('while unavailable every request answers 503, and afterwards it serves again', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  e.k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
  e.k.setUnavailable(true);
  try {
    const r = await rejection(core.readNode({ name: 'n' }));
    assert.equal(r.code, 503);
    assert.equal(r.status.reason, 'ServiceUnavailable');
  } finally {
    e.k.setUnavailable(false);
  }
  assert.equal((await core.readNode({ name: 'n' })).metadata?.name, 'n');
});

test('setDelayMs delays responses', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  e.k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'slow' } });
  e.k.setDelayMs(300);
  try {
    const t0 = Date.now();
    await core.readNode({ name: 'slow' });
    assert.ok(Date.now() - t0 >= 290, `took ${Date.now() - t0} ms`);
  } finally {
    e.k.setDelayMs(0);
  }
});

test('put, get, list and delete work on the store and fire resourceVersion changes', () => {
  const a = e.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x1', namespace: 'store' }, data: { v: '1' } });
  const b = e.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x1', namespace: 'store' }, data: { v: '2' } });
  assert.equal(a.metadata?.uid, b.metadata?.uid);
  assert.ok(Number(b.metadata?.resourceVersion) > Number(a.metadata?.resourceVersion));
  assert.deepEqual(e.k.list('v1', 'ConfigMap', 'store').map((o) => o.data), [{ v: '2' }]);
  assert.equal(e.k.delete('v1', 'ConfigMap', 'store', 'x1'), true);
  assert.equal(e.k.delete('v1', 'ConfigMap', 'store', 'x1'), false);
  assert.equal(e.k.get('v1', 'ConfigMap', 'store', 'x1'), undefined);
});

test('setMalformed truncates answers so the client fails to parse them', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  e.k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'garbled' } });
  e.k.setMalformed(true);
  try {
    await assert.rejects(core.readNode({ name: 'garbled' }), SyntaxError);
  } finally {
    e.k.setMalformed(false);
  }
  assert.equal((await core.readNode({ name: 'garbled' })).metadata?.name, 'garbled');
});
