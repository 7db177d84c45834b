import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

/** A condition of a CertificateRequest's status. */
export interface CertificateRequestCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The parts of a cert-manager.io/v1 CertificateRequest this plugin reads and writes. */
export interface CertificateRequest {
  apiVersion: 'cert-manager.io/v1';
  kind: 'CertificateRequest';
  metadata: { name?: string; generateName?: string; namespace: string; labels?: Record<string, string> };
  spec: {
    duration: string;
    issuerRef: { name: string; kind: string; group: string };
    /** Base64 of the PEM CSR (a []byte in Go's JSON). */
    request: string;
    isCA: boolean;
    usages: string[];
  };
  status?: {
    conditions?: CertificateRequestCondition[];
    /** Base64 of the PEM chain. */
    certificate?: string;
    /** Base64 of the PEM CA. */
    ca?: string;
  };
}

/** The CertificateRequest calls the plugin makes (create, get, list by label, delete). */
export interface CertificateRequestClient {
  create(cr: CertificateRequest): Promise<CertificateRequest>;
  get(namespace: string, name: string): Promise<CertificateRequest>;
  list(namespace: string, labelSelector: string): Promise<CertificateRequest[]>;
  delete(namespace: string, name: string): Promise<void>;
}

const GVP = { group: 'cert-manager.io', version: 'v1', plural: 'certificaterequests' } as const;

/** The CertificateRequest client over the Kubernetes API (`/apis/cert-manager.io/v1/...`). */
export function kubeCertificateRequests(kc: KubeConfig): CertificateRequestClient {
  const api = kc.makeApiClient(CustomObjectsApi);
  return {
    create: async (cr) => (await api.createNamespacedCustomObject({ ...GVP, namespace: cr.metadata.namespace, body: cr })) as CertificateRequest,
    get: async (namespace, name) => (await api.getNamespacedCustomObject({ ...GVP, namespace, name })) as CertificateRequest,
    list: async (namespace, labelSelector) =>
      ((await api.listNamespacedCustomObject({ ...GVP, namespace, labelSelector })) as { items?: CertificateRequest[] }).items ?? [],
    delete: async (namespace, name) => {
      await api.deleteNamespacedCustomObject({ ...GVP, namespace, name });
    },
  };
}

/**
 * The condition of `cr` with this type and status (and reason, when given), as cert-manager's
 * own helper matches them.
 */
export function findCondition(cr: CertificateRequest, type: string, status: string, reason?: string): CertificateRequestCondition | undefined {
  return cr.status?.conditions?.find((c) => c.type === type && c.status === status && (reason === undefined || c.reason === reason));
}

/** True when cert-manager is done with `cr`: Denied, Ready, or Ready=False with reason Failed. */
export function isFinished(cr: CertificateRequest): boolean {
  return !!(findCondition(cr, 'Denied', 'True') || findCondition(cr, 'Ready', 'True') || findCondition(cr, 'Ready', 'False', 'Failed'));
}
