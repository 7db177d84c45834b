import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { rejection, useEmulator } from './client.test-support.js';

const e = useEmulator();

test('readNamespacedPod returns a pod put by the test, with uid and resourceVersion filled', async () => {
  e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns1', uid: 'uid-p1' }, spec: { nodeName: 'n1' } });
  const pod = await e.kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: 'p1', namespace: 'ns1' });
  assert.equal(pod.metadata?.uid, 'uid-p1');
  assert.equal(pod.spec?.nodeName, 'n1');
  assert.match(pod.metadata?.resourceVersion ?? '', /^[0-9]+$/);
  const last = e.k.requests.at(-1);
  assert.deepEqual(last && { method: last.method, path: last.path, auth: last.auth }, { method: 'GET', path: '/api/v1/namespaces/ns1/pods/p1', auth: 'token' });
});

test('reading a missing pod answers 404 NotFound with the API server message', async () => {
  const r = await rejection(e.kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: 'nope', namespace: 'ns1' }));
  assert.equal(r.code, 404);
  assert.equal(r.status.reason, 'NotFound');
  assert.equal(r.status.message, 'pods "nope" not found');
});

test('listNamespacedPod filters by fieldSelector spec.nodeName and labelSelector', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'sel', labels: { app: 'x' } }, spec: { nodeName: 'n1' } });
  e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'sel', labels: { app: 'y' } }, spec: { nodeName: 'n2' } });
  const byNode = await core.listNamespacedPod({ namespace: 'sel', fieldSelector: 'spec.nodeName=n2' });
  assert.deepEqual(byNode.items.map((p) => p.metadata?.name), ['b']);
  const byLabel = await core.listNamespacedPod({ namespace: 'sel', labelSelector: 'app in (x,z)' });
  assert.deepEqual(byLabel.items.map((p) => p.metadata?.name), ['a']);
});

test('readNode reads a cluster-scoped node', async () => {
  e.k.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'node-uid-1' } });
  const node = await e.kc.makeApiClient(CoreV1Api).readNode({ name: 'node-1' });
  assert.equal(node.metadata?.uid, 'node-uid-1');
});

test('creating a ConfigMap that exists answers 409 AlreadyExists', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const body = { metadata: { name: 'dup', namespace: 'default' }, data: { a: '1' } };
  await core.createNamespacedConfigMap({ namespace: 'default', body });
  const r = await rejection(core.createNamespacedConfigMap({ namespace: 'default', body }));
  assert.equal(r.code, 409);
  assert.equal(r.status.reason, 'AlreadyExists');
  assert.equal(r.status.message, 'configmaps "dup" already exists');
});

test('replacing a ConfigMap with a stale resourceVersion answers 409 Conflict', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cm-rv' }, data: { a: '1' } } });
  const updated = await core.replaceNamespacedConfigMap({ name: 'cm-rv', namespace: 'default', body: { ...created, data: { a: '2' } } });
  assert.notEqual(updated.metadata?.resourceVersion, created.metadata?.resourceVersion);
  const r = await rejection(core.replaceNamespacedConfigMap({ name: 'cm-rv', namespace: 'default', body: { ...created, data: { a: '3' } } }));
  assert.equal(r.code, 409);
  assert.equal(r.status.reason, 'Conflict');
  assert.equal(r.status.message, 'Operation cannot be fulfilled on configmaps "cm-rv": the object has been modified; please apply your changes to the latest version and try again');
  assert.deepEqual(e.k.get('v1', 'ConfigMap', 'default', 'cm-rv')?.data, { a: '2' });
});

test('deleteNamespacedConfigMap removes it; a second delete answers 404', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'gone' } } });
  await core.deleteNamespacedConfigMap({ name: 'gone', namespace: 'default' });
  assert.equal(e.k.get('v1', 'ConfigMap', 'default', 'gone'), undefined);
  assert.equal((await rejection(core.deleteNamespacedConfigMap({ name: 'gone', namespace: 'default' }))).code, 404);
});

test('the default patch type is a JSON patch', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'jp' }, data: { a: '1' } } });
  const cm = await core.patchNamespacedConfigMap({ name: 'jp', namespace: 'default', body: [{ op: 'add', path: '/data/b', value: '2' }, { op: 'remove', path: '/data/a' }] });
  assert.deepEqual(cm.data, { b: '2' });
  assert.equal(e.k.requests.at(-1)?.contentType, 'application/json-patch+json');
});

test('a merge patch with null removes a key', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'mp', labels: { x: '1' } }, data: { a: '1', b: '2' } } });
  const cm = await core.patchNamespacedConfigMap(
    { name: 'mp', namespace: 'default', body: { data: { a: null, c: '3' } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  assert.deepEqual(cm.data, { b: '2', c: '3' });
  assert.deepEqual(cm.metadata?.labels, { x: '1' });
});

test('server-side apply creates a missing ConfigMap, then updates it', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const apply = (data: Record<string, string>) =>
    core.patchNamespacedConfigMap(
      { name: 'ssa', namespace: 'default', fieldManager: 'spire', force: true, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'default' }, data } },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  const first = await apply({ bundle: 'one' });
  assert.deepEqual(first.data, { bundle: 'one' });
  const second = await apply({ bundle: 'two' });
  assert.deepEqual(second.data, { bundle: 'two' });
  assert.equal(second.metadata?.uid, first.metadata?.uid);
  assert.deepEqual(e.k.requests.at(-1)?.query, { fieldManager: 'spire', force: 'true' });
  assert.equal(e.k.requests.at(-1)?.contentType, 'application/apply-patch+yaml');
});

test('server-side apply without force conflicts on a field another manager set', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const body = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: v } });
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  await core.patchNamespacedConfigMap({ name: 'owned', namespace: 'default', fieldManager: 'first', body: body('1') }, ssa);
  const r = await rejection(core.patchNamespacedConfigMap({ name: 'owned', namespace: 'default', fieldManager: 'second', body: body('2') }, ssa));
  assert.equal(r.code, 409);
  assert.equal(r.status.message, 'Apply failed with 1 conflict: conflict with "first": .data.k');
  const forced = await core.patchNamespacedConfigMap({ name: 'owned', namespace: 'default', fieldManager: 'second', force: true, body: body('2') }, ssa);
  assert.deepEqual(forced.data, { k: '2' });
});

test('server-side apply removes a field its manager no longer applies', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const ssa = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
  const body = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shrink' }, data });
  await core.patchNamespacedConfigMap({ name: 'shrink', namespace: 'default', fieldManager: 'm', body: body({ a: '1', b: '2' }) }, ssa);
  const cm = await core.patchNamespacedConfigMap({ name: 'shrink', namespace: 'default', fieldManager: 'm', body: body({ a: '1' }) }, ssa);
  assert.deepEqual(cm.data, { a: '1' });
});

test('server-side apply without fieldManager answers 400', async () => {
  const core = e.kc.makeApiClient(CoreV1Api);
  const r = await rejection(
    core.patchNamespacedConfigMap(
      { name: 'nofm', namespace: 'default', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nofm' } } },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    ),
  );
  assert.equal(r.code, 400);
  assert.equal(r.status.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
});
