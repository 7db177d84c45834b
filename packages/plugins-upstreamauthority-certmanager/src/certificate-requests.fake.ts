import type { CertificateRequest, CertificateRequestClient } from './certificate-requests.js';

/** What the fake issuer does with a request on each read: leave it, or set its status. */
export type FakeIssuer = (cr: CertificateRequest, reads: number) => CertificateRequest['status'] | undefined;

/**
 * An in-memory CertificateRequestClient for unit tests: requests get `spiffe-ca-<n>` names, each
 * `get` asks `issuer` for the status, `list` matches `key=value` label selectors, and every call
 * is recorded. Set `failNext` to make the next call of that kind throw.
 */
export class FakeCertificateRequests implements CertificateRequestClient {
  readonly store = new Map<string, CertificateRequest>();
  readonly calls: string[] = [];
  readonly failNext: Partial<Record<'create' | 'get' | 'list' | 'delete', Error>> = {};
  private n = 0;
  private readonly reads = new Map<string, number>();

  constructor(public issuer: FakeIssuer = () => undefined) {}

  private fail(op: 'create' | 'get' | 'list' | 'delete'): void {
    this.calls.push(op);
    const err = this.failNext[op];
    if (err) {
      delete this.failNext[op];
      throw err;
    }
  }

  async create(cr: CertificateRequest): Promise<CertificateRequest> {
    this.fail('create');
    const name = `${cr.metadata.generateName ?? ''}${++this.n}`;
    const stored = structuredClone({ ...cr, metadata: { ...cr.metadata, name } });
    this.store.set(`${cr.metadata.namespace}/${name}`, stored);
    return structuredClone(stored);
  }

  async get(namespace: string, name: string): Promise<CertificateRequest> {
    this.fail('get');
    const key = `${namespace}/${name}`;
    const cr = this.store.get(key);
    if (!cr) throw Object.assign(new Error('not found'), { code: 404, body: { message: `certificaterequests.cert-manager.io "${name}" not found` } });
    const reads = (this.reads.get(key) ?? 0) + 1;
    this.reads.set(key, reads);
    const status = this.issuer(cr, reads);
    if (status) cr.status = status;
    return structuredClone(cr);
  }

  async list(namespace: string, labelSelector: string): Promise<CertificateRequest[]> {
    this.fail('list');
    const [k, v] = labelSelector.split('=');
    return [...this.store.values()].filter((cr) => cr.metadata.namespace === namespace && cr.metadata.labels?.[k!] === v).map((cr) => structuredClone(cr));
  }

  async delete(namespace: string, name: string): Promise<void> {
    this.fail('delete');
    this.store.delete(`${namespace}/${name}`);
  }
}
