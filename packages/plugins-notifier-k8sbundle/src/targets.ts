import {
  AdmissionregistrationV1Api,
  ApiregistrationV1Api,
  CoreV1Api,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { K8sBundleErrors } from './errors.js';

/** Name (and namespace, for namespaced kinds) of one object a target keeps current. */
export interface ObjectRef {
  namespace: string;
  name: string;
}

/**
 * One kind of object the notifier writes the bundle into, in one cluster: how to find the
 * objects, read one, build the strategic-merge patch that carries the bundle (with the read
 * resourceVersion, so that a concurrent writer makes the API answer 409) and send it.
 */
export interface BundleTarget {
  readonly kind: string;
  list(): Promise<ObjectRef[]>;
  get(ref: ObjectRef): Promise<KubernetesObject>;
  /** The patch for `obj`; throws ALREADY_EXISTS when the object already carries `pem`. */
  createPatch(obj: KubernetesObject, pem: string): object;
  patch(ref: ObjectRef, body: object): Promise<void>;
  /** A list+watch of the target's objects (labelled kinds only). */
  informer?(): Informer<KubernetesObject>;
}

const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

/** The ConfigMap of a cluster, `data[<key>]` = PEM. */
export function configMapTarget(kc: KubeConfig, namespace: string, name: string, key: string): BundleTarget {
  const api = kc.makeApiClient(CoreV1Api);
  const get = (ref: ObjectRef) => api.readNamespacedConfigMap({ namespace: ref.namespace, name: ref.name });
  return {
    kind: 'ConfigMap',
    list: async () => {
      await get({ namespace, name });
      return [{ namespace, name }];
    },
    get,
    createPatch: (obj, pem) => ({ metadata: { resourceVersion: obj.metadata?.resourceVersion }, data: { [key]: pem } }),
    patch: async (ref, body) => {
      await api.patchNamespacedConfigMap({ namespace: ref.namespace, name: ref.name, body }, smp);
    },
  };
}

interface WebhookConfig extends KubernetesObject {
  webhooks?: { name: string; admissionReviewVersions?: string[]; sideEffects?: string; clientConfig?: { caBundle?: string } }[];
}

function webhookPatch(kind: string, obj: WebhookConfig, pem: string): object {
  const bundle = b64(pem);
  const webhooks = obj.webhooks ?? [];
  if (webhooks.every((w) => w.clientConfig?.caBundle === bundle)) throw K8sBundleErrors.upToDate(kind, obj.metadata?.name ?? '');
  return {
    metadata: { resourceVersion: obj.metadata?.resourceVersion },
    webhooks: webhooks.map((w) => ({
      name: w.name,
      admissionReviewVersions: w.admissionReviewVersions,
      sideEffects: w.sideEffects,
      clientConfig: { caBundle: bundle },
    })),
  };
}

const refsOf = (items: KubernetesObject[]): ObjectRef[] => items.map((o) => ({ namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' }));

/** Mutating or validating webhook configurations labelled `<label>=true`: every webhook's caBundle. */
export function webhookTarget(kc: KubeConfig, which: 'Mutating' | 'Validating', label: string): BundleTarget {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const kind = `${which}WebhookConfiguration`;
  const labelSelector = `${label}=true`;
  const list = () =>
    which === 'Mutating' ? api.listMutatingWebhookConfiguration({ labelSelector }) : api.listValidatingWebhookConfiguration({ labelSelector });
  return {
    kind,
    list: async () => refsOf((await list()).items),
    get: (ref) =>
      which === 'Mutating' ? api.readMutatingWebhookConfiguration({ name: ref.name }) : api.readValidatingWebhookConfiguration({ name: ref.name }),
    createPatch: (obj, pem) => webhookPatch(kind, obj as WebhookConfig, pem),
    patch: async (ref, body) => {
      if (which === 'Mutating') await api.patchMutatingWebhookConfiguration({ name: ref.name, body }, smp);
      else await api.patchValidatingWebhookConfiguration({ name: ref.name, body }, smp);
    },
    informer: () =>
      makeInformer<KubernetesObject>(kc, `/apis/admissionregistration.k8s.io/v1/${which.toLowerCase()}webhookconfigurations`, list, labelSelector),
  };
}

interface ApiServiceObj extends KubernetesObject {
  spec?: { caBundle?: string; groupPriorityMinimum?: number; versionPriority?: number };
}

/** APIServices labelled `<label>=true`: spec.caBundle. */
export function apiServiceTarget(kc: KubeConfig, label: string): BundleTarget {
  const api = kc.makeApiClient(ApiregistrationV1Api);
  const labelSelector = `${label}=true`;
  const list = () => api.listAPIService({ labelSelector });
  return {
    kind: 'APIService',
    list: async () => refsOf((await list()).items),
    get: (ref) => api.readAPIService({ name: ref.name }),
    createPatch: (o, pem) => {
      const obj = o as ApiServiceObj;
      const bundle = b64(pem);
      if (obj.spec?.caBundle === bundle) throw K8sBundleErrors.upToDate('APIService', obj.metadata?.name ?? '');
      return {
        metadata: { resourceVersion: obj.metadata?.resourceVersion },
        spec: { caBundle: bundle, groupPriorityMinimum: obj.spec?.groupPriorityMinimum, versionPriority: obj.spec?.versionPriority },
      };
    },
    patch: async (ref, body) => {
      await api.patchAPIService({ name: ref.name, body }, smp);
    },
    informer: () => makeInformer<KubernetesObject>(kc, '/apis/apiregistration.k8s.io/v1/apiservices', list, labelSelector),
  };
}
