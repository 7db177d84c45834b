import type { AgentAttributes, Logger, NodeAttestor, TrustDomain } from '@spire-ts/core/plugin';
import { readAttestationData } from '@spire-ts/plugin-kube';
import type { PsatConfig } from './config.js';
import { PsatErrors as E } from './errors.js';
import type { KubeApi } from './kube-api.js';
import { checkReview, namesFromStatus, podNameFromStatus, podUidFromStatus } from './token-status.js';

/** The plugin's name, the first segment of its agent ID paths. */
export const PLUGIN_NAME = 'k8s_psat';

/**
 * The k8s_psat NodeAttestor. The agent sends a projected service account token; the cluster's API
 * server judges it (TokenReview: signature, expiry, audience), never this server. The token's
 * service account must be allowed, its pod must still exist with the UID the token is bound to,
 * and the pod's node must exist. Selectors and agent IDs are SPIRE's; agents may re-attest.
 */
export class PsatAttestor implements NodeAttestor {
  constructor(
    private readonly config: PsatConfig,
    private readonly td: TrustDomain,
    private readonly apis: ReadonlyMap<string, KubeApi>,
    private readonly log: Logger,
  ) {
    if (config.clusters.size === 0) log.info('No clusters configured, PSAT attestation is effectively disabled');
  }

  /**
   * Throws INVALID_ARGUMENT for a malformed payload or an unknown cluster, PERMISSION_DENIED when
   * the token is not authenticated, its service account is not allowed or its pod was replaced,
   * INTERNAL (SPIRE's code) when the review or the API objects are not as expected, and
   * UNAVAILABLE when the API server cannot be reached or does not answer in time. Writes nothing.
   */
  async attest(payload: Uint8Array): Promise<AgentAttributes> {
    const data = readAttestationData(PLUGIN_NAME, payload);
    const name = data.cluster;
    const cluster = this.config.clusters.get(name);
    const api = this.apis.get(name);
    if (!cluster || !api) throw E.unknownCluster(name);

    let status;
    try {
      status = await api.reviewToken(data.token, cluster.audience);
      checkReview(status, cluster.audience);
    } catch (e) {
      throw E.tokenReview(name, e);
    }
    if (!status.authenticated) throw E.notAuthenticated(name);

    let names;
    try {
      names = namesFromStatus(status);
    } catch (e) {
      throw E.username(name, e);
    }
    const fullName = `${names.namespace}:${names.serviceAccount}`;
    if (!cluster.serviceAccounts.has(fullName)) throw E.serviceAccount(fullName, name);

    let podName: string;
    try {
      podName = podNameFromStatus(status);
    } catch (e) {
      throw E.podName(name, e);
    }
    let podUid: string;
    try {
      podUid = podUidFromStatus(status);
    } catch (e) {
      throw E.podUid(name, e);
    }

    let pod;
    try {
      pod = await api.getPod(names.namespace, podName);
    } catch (e) {
      throw E.getPod(name, e);
    }
    // A token outlives a deleted pod; a new pod that reuses the name has another UID.
    if (pod.uid !== podUid) throw E.podUidMismatch(podName, name, podUid);

    let node;
    try {
      node = await api.getNode(pod.nodeName);
    } catch (e) {
      throw E.getNode(name, e);
    }
    if (node.uid === '') throw E.emptyNodeUid(name);

    const selectorValues = [
      `cluster:${name}`,
      `agent_ns:${names.namespace}`,
      `agent_sa:${names.serviceAccount}`,
      `agent_pod_name:${podName}`,
      `agent_pod_uid:${podUid}`,
      `agent_node_ip:${pod.hostIP}`,
      `agent_node_name:${pod.nodeName}`,
      `agent_node_uid:${node.uid}`,
    ];
    // SPIRE ranges over Go maps here, in no fixed order; sorted keys make the list stable.
    for (const k of Object.keys(node.labels).sort()) if (cluster.allowedNodeLabelKeys.has(k)) selectorValues.push(`agent_node_label:${k}:${node.labels[k]}`);
    for (const k of Object.keys(pod.labels).sort()) if (cluster.allowedPodLabelKeys.has(k)) selectorValues.push(`agent_pod_label:${k}:${pod.labels[k]}`);

    const suffix = cluster.usePodUidForAgentId ? `pod/${podUid}` : node.uid;
    return { spiffeId: agentId(this.td, name, suffix), selectorValues, canReattest: true };
  }

  /** Holds nothing open; safe to call any number of times. */
  close(): void {}
}

/**
 * `spiffe://<td>/spire/agent/k8s_psat/<cluster>/<suffix>`, joined and cleaned as Go's path.Join
 * (the cluster name is not escaped, as in SPIRE).
 */
function agentId(td: TrustDomain, cluster: string, suffix: string): string {
  const parts = ['spire', 'agent', PLUGIN_NAME, cluster, suffix].join('/').split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `spiffe://${td.name}/${out.join('/')}`;
}
