import type { KubernetesObject } from '@kubernetes/client-node';
import { K8sBundleErrors } from './errors.js';
import type { BundleTarget, ObjectRef } from './targets.js';

/**
 * An in-memory BundleTarget for unit tests: objects keyed `ns/name` holding one `pem` value,
 * with switches to fail the list, make a number of patches answer 409, or lose an object.
 */
export class FakeTarget implements BundleTarget {
  readonly objects = new Map<string, { pem: string; rv: number }>();
  listError: Error | undefined;
  conflictsLeft = 0;
  patches = 0;

  constructor(readonly kind = 'Fake') {}

  async list(): Promise<ObjectRef[]> {
    if (this.listError) throw this.listError;
    return [...this.objects.keys()].map((k) => ({ namespace: k.split('/')[0]!, name: k.split('/')[1]! }));
  }

  async get(ref: ObjectRef): Promise<KubernetesObject> {
    const o = this.objects.get(`${ref.namespace}/${ref.name}`);
    if (!o) throw Object.assign(new Error('not found'), { code: 404, body: { message: `fakes "${ref.name}" not found` } });
    return { metadata: { namespace: ref.namespace, name: ref.name, resourceVersion: String(o.rv), annotations: { pem: o.pem } } };
  }

  createPatch(obj: KubernetesObject, pem: string): object {
    if (obj.metadata?.annotations?.pem === pem) throw K8sBundleErrors.upToDate(this.kind, obj.metadata?.name ?? '');
    return { rv: obj.metadata?.resourceVersion, pem };
  }

  async patch(ref: ObjectRef, body: object): Promise<void> {
    this.patches++;
    if (this.conflictsLeft > 0) {
      this.conflictsLeft--;
      throw Object.assign(new Error('conflict'), { code: 409, body: { message: `Operation cannot be fulfilled on fakes "${ref.name}"` } });
    }
    const o = this.objects.get(`${ref.namespace}/${ref.name}`)!;
    o.pem = (body as { pem: string }).pem;
    o.rv++;
  }
}
