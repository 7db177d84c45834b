import type { AwsIidApi } from './aws-api.js';
import { wrapAwsError } from './errors.js';
import { MembershipCache } from './membership-cache.js';

/** How long the EKS node list is trusted (SPIRE's 30 s). */
export const EKS_NODE_LIST_TTL_MS = 30_000;

/**
 * `validate_eks_cluster_membership`: is the instance a node of one of the clusters? The node list
 * is every instance of every Auto Scaling group of every managed nodegroup of the listed
 * clusters, cached for 30 s with SPIRE's miss-refresh budget. Any failure fails closed.
 */
export class EksValidator {
  private readonly cache: MembershipCache;

  constructor(
    private readonly clusters: readonly string[],
    now: () => number,
  ) {
    this.cache = new MembershipCache(EKS_NODE_LIST_TTL_MS, now, true);
  }

  /** True when the instance is a node. Rejects with an Error worded as SPIRE's. */
  isNode(instanceId: string, api: AwsIidApi, signal: AbortSignal): Promise<boolean> {
    return this.cache.has(instanceId, () => this.load(api, signal));
  }

  private async load(api: AwsIidApi, signal: AbortSignal): Promise<Set<string>> {
    const nodes = new Set<string>();
    for (const cluster of this.clusters) {
      let page;
      try {
        page = await api.listNodegroups(cluster, undefined, signal);
      } catch (e) {
        throw wrapAwsError('issue while getting list of EKS Nodegroups', e);
      }
      for (;;) {
        for (const ng of page.items) for (const id of await this.nodegroupInstances(api, cluster, ng, signal)) nodes.add(id);
        if (!page.nextToken) break;
        try {
          page = await api.listNodegroups(cluster, page.nextToken, signal);
        } catch (e) {
          throw wrapAwsError('issue while getting list of EKS Nodegroups in pagination', e);
        }
      }
    }
    return nodes;
  }

  private async nodegroupInstances(api: AwsIidApi, cluster: string, nodegroup: string, signal: AbortSignal): Promise<string[]> {
    let groups: string[];
    try {
      groups = await api.nodegroupAutoScalingGroups(cluster, nodegroup, signal);
    } catch (e) {
      throw wrapAwsError('issue while getting list of EKS Node Groups', e);
    }
    const out: string[] = [];
    for (const g of groups) {
      let page;
      try {
        page = await api.autoScalingGroupInstances(g, undefined, signal);
      } catch (e) {
        throw wrapAwsError('issue while getting list of instances in AutoScalingGroup', e);
      }
      for (;;) {
        out.push(...page.items);
        if (!page.nextToken) break;
        try {
          page = await api.autoScalingGroupInstances(g, page.nextToken, signal);
        } catch (e) {
          throw wrapAwsError('issue while getting list of instances in AutoScalingGroup in pagination', e);
        }
      }
    }
    return out;
  }
}
