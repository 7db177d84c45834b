/**
 * The resource types the emulator serves over REST, and the lookup from a path segment or an
 * (apiVersion, kind) pair to one of them.
 */

/** One served resource type. */
export interface ResourceType {
  /** API group; '' for core. */
  group: string;
  version: string;
  /** The lower-case plural used in paths. */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Field selectors served beyond metadata.name and metadata.namespace (dotted paths). */
  fields?: string[];
  /** `status` is a subresource: the main resource ignores status changes, `/status` changes only status. */
  statusSubresource?: boolean;
  /** Deleting answers the deleted object (graceful deletion) rather than a Status. */
  deleteReturnsObject?: boolean;
}

/** `v1` for core, `group/version` otherwise. */
export const apiVersionOf = (t: Pick<ResourceType, 'group' | 'version'>): string => (t.group ? `${t.group}/${t.version}` : t.version);

const builtin: ResourceType[] = [
  { group: '', version: 'v1', plural: 'pods', statusSubresource: true, kind: 'Pod', namespaced: true, fields: ['spec.nodeName', 'spec.serviceAccountName', 'status.phase', 'status.podIP'], deleteReturnsObject: true },
  { group: '', version: 'v1', plural: 'nodes', statusSubresource: true, kind: 'Node', namespaced: false, fields: ['spec.unschedulable'] },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, fields: ['type'] },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', statusSubresource: true, kind: 'Namespace', namespaced: false, fields: ['status.phase'] },
  { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false },
  { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false },
  { group: 'apiregistration.k8s.io', version: 'v1', plural: 'apiservices', statusSubresource: true, kind: 'APIService', namespaced: false },
  { group: 'cert-manager.io', version: 'v1', plural: 'certificaterequests', statusSubresource: true, kind: 'CertificateRequest', namespaced: true },
  { group: 'cert-manager.io', version: 'v1', plural: 'issuers', statusSubresource: true, kind: 'Issuer', namespaced: true },
  { group: 'cert-manager.io', version: 'v1', plural: 'clusterissuers', statusSubresource: true, kind: 'ClusterIssuer', namespaced: false },
];

/** The served types, plus any kind first seen through `put` (naive plural, never served over REST). */
export class ResourceRegistry {
  private readonly types: ResourceType[] = [...builtin];

  /** The served types. */
  served(): readonly ResourceType[] {
    return builtin;
  }

  /** The type served at `/api[s]/<group>/<version>/<plural>`, if any. */
  byPath(group: string, version: string, plural: string): ResourceType | undefined {
    return builtin.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /**
   * The type of an (apiVersion, kind) pair. An unknown pair is registered (as namespaced when
   * `namespaced` says so) so that tests may store any object.
   */
  byKind(apiVersion: string, kind: string, namespaced?: boolean): ResourceType {
    const found = this.types.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
    if (found) return found;
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
    const t: ResourceType = { group, version, kind, plural: `${kind.toLowerCase()}s`, namespaced: namespaced ?? false };
    this.types.push(t);
    return t;
  }
}
