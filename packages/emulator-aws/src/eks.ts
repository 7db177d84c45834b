import type { EmulatorEnv } from './env.js';
import { AwsError, epochSeconds, type ServiceModule } from './protocol.js';

/** A managed nodegroup and the Auto Scaling groups behind it. */
export interface EksNodegroup {
  name: string;
  autoScalingGroups: string[];
}

/**
 * EKS (REST-JSON): ListNodegroups and DescribeNodegroup over seeded clusters. An unknown cluster
 * or nodegroup is ResourceNotFoundException (404), as AWS answers.
 */
export class EksService {
  /** Clusters by name, each with its nodegroups by name. */
  readonly clusters = new Map<string, Map<string, EksNodegroup>>();
  /** Nodegroups per ListNodegroups page (AWS's default is 100). */
  pageSize = 100;

  constructor(readonly env: EmulatorEnv) {}

  /** Adds a cluster (if new) with no nodegroups. */
  putCluster(name: string): void {
    if (!this.clusters.has(name)) this.clusters.set(name, new Map());
  }

  /** Adds (or replaces) a nodegroup of a cluster (created if new). */
  putNodegroup(cluster: string, name: string, autoScalingGroups: string[]): EksNodegroup {
    this.putCluster(cluster);
    const ng = { name, autoScalingGroups: [...autoScalingGroups] };
    this.clusters.get(cluster)!.set(name, ng);
    return ng;
  }

  private cluster(name: string): Map<string, EksNodegroup> {
    const c = this.clusters.get(name);
    if (!c) throw new AwsError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404);
    return c;
  }

  private listNodegroups(cluster: string, query: URLSearchParams): unknown {
    const names = [...this.cluster(cluster).keys()];
    const start = Number(query.get('nextToken') ?? '0');
    if (!Number.isInteger(start) || start < 0 || start > names.length) throw new AwsError('InvalidParameterException', 'The nextToken is invalid.');
    const size = Math.min(Number(query.get('maxResults') ?? this.pageSize), this.pageSize);
    const next = start + size < names.length ? String(start + size) : undefined;
    return { nodegroups: names.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
  }

  private describeNodegroup(cluster: string, name: string): unknown {
    const ng = this.cluster(cluster).get(name);
    if (!ng) throw new AwsError('ResourceNotFoundException', `No node group found for name: ${name}.`, 404);
    return {
      nodegroup: {
        nodegroupName: ng.name,
        clusterName: cluster,
        nodegroupArn: `arn:aws:eks:${this.env.region}:${this.env.accountId}:nodegroup/${cluster}/${ng.name}/emulated`,
        status: 'ACTIVE',
        createdAt: epochSeconds(this.env.now()),
        resources: { autoScalingGroups: ng.autoScalingGroups.map((n) => ({ name: n })) },
      },
    };
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'eks',
      rest: [
        { method: 'GET', path: '/clusters/{name}/node-groups', handler: (p, q) => this.listNodegroups(p.name!, q) },
        { method: 'GET', path: '/clusters/{name}/node-groups/{nodegroupName}', handler: (p) => this.describeNodegroup(p.name!, p.nodegroupName!) },
      ],
    };
  }
}
