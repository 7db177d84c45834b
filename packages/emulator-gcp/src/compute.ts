/**
 * Compute Engine's `instances.get` (REST, as @google-cloud/compute sends it): seeded instances
 * with their network tags, labels and metadata items.
 */
import { HttpError, type Route } from '@spire-ts/emulator-kit';
import type { GcpEnv } from './env.js';

/** A seeded instance. */
export interface ComputeInstance {
  project: string;
  zone: string;
  name: string;
  id: string;
  tags: string[];
  labels: Record<string, string>;
  /** Metadata items; a null value is an item without a value. */
  metadata: { key: string; value: string | null }[];
  status: string;
}

function notFound(what: string): HttpError {
  return new HttpError(404, {
    error: { code: 404, message: `The resource '${what}' was not found`, errors: [{ message: `The resource '${what}' was not found`, domain: 'global', reason: 'notFound' }] },
  });
}

export class ComputeService {
  /** Instances by `<project>/<zone>/<name>`. */
  readonly instances = new Map<string, ComputeInstance>();

  constructor(readonly env: GcpEnv) {}

  /** Adds (or replaces) an instance; unset fields get plain defaults. */
  seed(i: Partial<ComputeInstance> & Pick<ComputeInstance, 'project' | 'zone' | 'name'>): ComputeInstance {
    const full: ComputeInstance = { id: String(1000 + this.instances.size), tags: [], labels: {}, metadata: [], status: 'RUNNING', ...i };
    this.instances.set(`${i.project}/${i.zone}/${i.name}`, full);
    return full;
  }

  routes(): Route[] {
    return [
      {
        method: 'GET',
        path: '/compute/v1/projects/{project}/zones/{zone}/instances/{instance}',
        name: 'compute.instances.get',
        handler: (r) => {
          this.env.checkBearer(r.headers.authorization);
          const { project, zone, instance } = r.params as Record<string, string>;
          const i = this.instances.get(`${project}/${zone}/${instance}`);
          if (!i) throw notFound(`projects/${project}/zones/${zone}/instances/${instance}`);
          const self = `https://www.googleapis.com/compute/v1/projects/${project}/zones/${zone}`;
          return {
            json: {
              kind: 'compute#instance',
              id: i.id,
              name: i.name,
              zone: self,
              status: i.status,
              selfLink: `${self}/instances/${i.name}`,
              tags: { items: i.tags, fingerprint: 'tags-fp' },
              labels: i.labels,
              metadata: { kind: 'compute#metadata', fingerprint: 'md-fp', items: i.metadata.map((m) => (m.value === null ? { key: m.key } : m)) },
            },
          };
        },
      },
    ];
  }
}
