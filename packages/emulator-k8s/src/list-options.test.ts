import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { rejection, useEmulator } from './client.test-support.js';

const e = useEmulator();

test('a malformed labelSelector answers 400', async () => {
  const r = await rejection(e.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default', labelSelector: 'a in (b' }));
  assert.equal(r.code, 400);
  assert.equal(r.status.reason, 'BadRequest');
});

test('a fieldSelector on an unsupported field answers 400 as the API server does', async () => {
  const r = await rejection(e.kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default', fieldSelector: 'data.x=1' }));
  assert.equal(r.code, 400);
  assert.equal(r.status.message, 'field label not supported: data.x');
});

test('fieldSelector metadata.name picks one config map; != and notin exclude', async () => {
  for (const n of ['m1', 'm2', 'm3']) e.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'fs', labels: { n } } });
  const core = e.kc.makeApiClient(CoreV1Api);
  assert.deepEqual((await core.listNamespacedConfigMap({ namespace: 'fs', fieldSelector: 'metadata.name=m2' })).items.map((c) => c.metadata?.name), ['m2']);
  assert.deepEqual((await core.listNamespacedConfigMap({ namespace: 'fs', fieldSelector: 'metadata.name!=m2' })).items.map((c) => c.metadata?.name), ['m1', 'm3']);
  assert.deepEqual((await core.listNamespacedConfigMap({ namespace: 'fs', labelSelector: 'n notin (m1,m3)' })).items.map((c) => c.metadata?.name), ['m2']);
});

test('limit and continue page through a list', async () => {
  for (const n of ['p1', 'p2', 'p3']) e.k.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'page' } });
  const core = e.kc.makeApiClient(CoreV1Api);
  const first = await core.listNamespacedConfigMap({ namespace: 'page', limit: 2 });
  assert.deepEqual(first.items.map((c) => c.metadata?.name), ['p1', 'p2']);
  assert.equal(first.metadata?.remainingItemCount, 1);
  const second = await core.listNamespacedConfigMap({ namespace: 'page', limit: 2, _continue: first.metadata?._continue });
  assert.deepEqual(second.items.map((c) => c.metadata?.name), ['p3']);
  assert.equal(second.metadata?._continue, undefined);
});

test('listPodForAllNamespaces lists pods of every namespace', async () => {
  e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'ns-a' } });
  e.k.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'y', namespace: 'ns-b' } });
  const all = await e.kc.makeApiClient(CoreV1Api).listPodForAllNamespaces({ fieldSelector: 'metadata.namespace!=default' });
  assert.deepEqual(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`), ['ns-a/x', 'ns-b/y']);
});
