import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdmissionregistrationV1Api, ApiregistrationV1Api, makeInformer, PatchStrategy, setHeaderOptions, Watch, type V1MutatingWebhookConfiguration } from '@kubernetes/client-node';
import { rejection, useEmulator } from './client.test-support.js';

const e = useEmulator();
const MWC = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';

interface Seen {
  events: { type: string; name: string; rv: string }[];
  /** Resolves when `n` events have arrived. */
  until(n: number): Promise<void>;
  done: Promise<unknown>;
  stop(): void;
}

async function watch(path: string, query: Record<string, string>): Promise<Seen> {
  const events: Seen['events'] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let finish!: (v: unknown) => void;
  const done = new Promise((r) => (finish = r));
  const ctrl = await new Watch(e.kc).watch(
    path,
    query,
    (type, obj: { metadata: { name: string; resourceVersion: string } }) => {
      events.push({ type, name: obj.metadata.name, rv: obj.metadata.resourceVersion });
      for (const w of waiters) if (events.length >= w.n) w.resolve();
    },
    (err) => finish(err),
  );
  return {
    events,
    until: (n) => (events.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    done,
    stop: () => ctrl.abort(),
  };
}

const mwc = (name: string, labels: Record<string, string>, ca = 'Y2E=') => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: { name, labels },
  webhooks: [{ name: 'w.example.org', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: { caBundle: ca, url: 'https://example.org' } }],
});

test('a watch with a labelSelector sees ADDED then MODIFIED for matching webhook configurations only', async () => {
  const w = await watch(MWC, { labelSelector: 'spiffe.io/webhook=true' });
  try {
    e.k.put(mwc('other', { app: 'x' }));
    e.k.put(mwc('spire-webhook', { 'spiffe.io/webhook': 'true' }));
    const api = e.kc.makeApiClient(AdmissionregistrationV1Api);
    await api.patchMutatingWebhookConfiguration(
      { name: 'spire-webhook', body: { webhooks: [{ name: 'w.example.org', clientConfig: { caBundle: 'bmV3' } }] } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    await w.until(2);
    assert.deepEqual(w.events.map((x) => [x.type, x.name]), [['ADDED', 'spire-webhook'], ['MODIFIED', 'spire-webhook']]);
    const patched = e.k.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'spire-webhook') as ReturnType<typeof mwc>;
    assert.equal(patched.webhooks[0]?.clientConfig.caBundle, 'bmV3');
    assert.equal(patched.webhooks[0]?.clientConfig.url, 'https://example.org');
    assert.equal(e.k.requests.find((r) => r.query.watch === 'true')?.query.labelSelector, 'spiffe.io/webhook=true');
  } finally {
    w.stop();
  }
});

test('a watch from a resourceVersion replays the later writes, and a label removed is a DELETED', async () => {
  const first = e.k.put(mwc('replay', { team: 'a' }));
  e.k.put(mwc('replay', { team: 'a' }, 'dHdv'));
  const w = await watch(MWC, { labelSelector: 'team=a', resourceVersion: String(first.metadata?.resourceVersion) });
  try {
    e.k.put(mwc('replay', { team: 'b' }));
    await w.until(2);
    assert.deepEqual(w.events.map((x) => [x.type, x.name]), [['MODIFIED', 'replay'], ['DELETED', 'replay']]);
  } finally {
    w.stop();
  }
});

test('a watch without resourceVersion starts with the current objects as ADDED, and sees DELETED', async () => {
  e.k.put(mwc('existing', { set: 'c' }));
  const w = await watch(MWC, { labelSelector: 'set=c' });
  try {
    await w.until(1);
    e.k.delete('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'existing');
    await w.until(2);
    assert.deepEqual(w.events.map((x) => x.type), ['ADDED', 'DELETED']);
  } finally {
    w.stop();
  }
});

test('listing validating webhook configurations honours the labelSelector', async () => {
  const v = (name: string, labels: Record<string, string>) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name, labels }, webhooks: [] });
  e.k.put(v('v1', { pick: 'yes' }));
  e.k.put(v('v2', { pick: 'no' }));
  const list = await e.kc.makeApiClient(AdmissionregistrationV1Api).listValidatingWebhookConfiguration({ labelSelector: 'pick=yes' });
  assert.deepEqual(list.items.map((x) => x.metadata?.name), ['v1']);
  assert.match(list.metadata?.resourceVersion ?? '', /^[0-9]+$/);
});

test('an APIService is read, merge-patched and replaced through the client', async () => {
  e.k.put({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.example.org', labels: { l: '1' } }, spec: { group: 'example.org', version: 'v1', caBundle: 'b2xk', groupPriorityMinimum: 1, versionPriority: 1 } });
  const api = e.kc.makeApiClient(ApiregistrationV1Api);
  const patched = await api.patchAPIService({ name: 'v1.example.org', body: { spec: { caBundle: 'bmV3' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  assert.equal(patched.spec?.caBundle, 'bmV3');
  assert.equal(patched.spec?.group, 'example.org');
  const replaced = await api.replaceAPIService({ name: 'v1.example.org', body: { ...patched, spec: { ...patched.spec!, caBundle: 'bGFzdA==' } } });
  assert.equal(replaced.spec?.caBundle, 'bGFzdA==');
  const listed = await api.listAPIService({ labelSelector: 'l=1' });
  assert.deepEqual(listed.items.map((x) => x.metadata?.name), ['v1.example.org']);
});

test('setUnavailable ends open watches', async () => {
  const w = await watch('/apis/apiregistration.k8s.io/v1/apiservices', {});
  e.k.setUnavailable(true);
  try {
    assert.equal(await w.done, null);
  } finally {
    e.k.setUnavailable(false);
  }
});

test('a strategic merge patch carrying a stale resourceVersion answers 409 Conflict', async () => {
  const stored = e.k.put(mwc('rv-patch', { x: 'y' }));
  e.k.put(mwc('rv-patch', { x: 'y' }, 'Y2hhbmdlZA=='));
  const r = await rejection(
    e.kc.makeApiClient(AdmissionregistrationV1Api).patchMutatingWebhookConfiguration(
      { name: 'rv-patch', body: { metadata: { resourceVersion: stored.metadata?.resourceVersion }, webhooks: [{ name: 'w.example.org', clientConfig: { caBundle: 'bmV3' } }] } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    ),
  );
  assert.equal(r.code, 409);
  assert.equal(r.status.message, 'Operation cannot be fulfilled on mutatingwebhookconfigurations.admissionregistration.k8s.io "rv-patch": the object has been modified; please apply your changes to the latest version and try again');
});

test("client-node's informer lists then watches with a labelSelector", async () => {
  const api = e.kc.makeApiClient(AdmissionregistrationV1Api);
  e.k.put(mwc('inf-before', { informed: 'true' }));
  const informer = makeInformer<V1MutatingWebhookConfiguration>(e.kc, MWC, () => api.listMutatingWebhookConfiguration({ labelSelector: 'informed=true' }), 'informed=true');
  const seen: string[] = [];
  let notify = (): void => {};
  const record = (kind: string) => (o: V1MutatingWebhookConfiguration) => {
    seen.push(`${kind} ${o.metadata?.name ?? ''}`);
    notify();
  };
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  const until = (n: number) => new Promise<void>((resolve) => {
    notify = () => seen.length >= n && resolve();
    notify();
  });
  await informer.start();
  try {
    await until(1);
    e.k.put(mwc('inf-after', { informed: 'true' }));
    e.k.put(mwc('inf-before', { informed: 'true' }, 'dXBk'));
    e.k.put(mwc('inf-ignored', { informed: 'false' }));
    await until(3);
    assert.deepEqual(seen, ['add inf-before', 'add inf-after', 'update inf-before']);
  } finally {
    await informer.stop();
  }
});
