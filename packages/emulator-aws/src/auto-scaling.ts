import type { EmulatorEnv } from './env.js';
import { AwsError, el, queryList, wrap, type ServiceModule } from './protocol.js';

/** An Auto Scaling group and the instances in it. */
export interface AutoScalingGroup {
  name: string;
  instanceIds: string[];
}

/**
 * Auto Scaling (query protocol, Version 2011-01-01): DescribeAutoScalingGroups over seeded groups,
 * paginated by groups (a name AWS does not know is simply absent from the answer, as AWS does).
 */
export class AutoScalingService {
  /** Groups by name. */
  readonly groups = new Map<string, AutoScalingGroup>();
  /** Groups per page (AWS's default is 50). */
  pageSize = 50;

  constructor(readonly env: EmulatorEnv) {}

  /** Adds (or replaces) a group holding these instances. */
  putGroup(name: string, instanceIds: string[]): AutoScalingGroup {
    const g = { name, instanceIds: [...instanceIds] };
    this.groups.set(name, g);
    return g;
  }

  private describe(params: Map<string, string>): string {
    const names = queryList(params, 'AutoScalingGroupNames.member');
    const all = names.length > 0 ? names.flatMap((n) => this.groups.get(n) ?? []) : [...this.groups.values()];
    const start = Number(params.get('NextToken') ?? '0');
    if (!Number.isInteger(start) || start < 0 || start > all.length) throw new AwsError('InvalidNextToken', 'The token is invalid.');
    const max = Number(params.get('MaxRecords') ?? this.pageSize);
    const size = Math.min(max, this.pageSize);
    const page = all.slice(start, start + size);
    const members = page.map((g) => {
      const instances = g.instanceIds.map((id) =>
        wrap(
          'member',
          el('InstanceId', id) + el('AvailabilityZone', `${this.env.region}a`) + el('LifecycleState', 'InService') + el('HealthStatus', 'Healthy') + el('ProtectedFromScaleIn', false),
        ),
      );
      return wrap(
        'member',
        el('AutoScalingGroupName', g.name) +
          el('AutoScalingGroupARN', `arn:aws:autoscaling:${this.env.region}:${this.env.accountId}:autoScalingGroup:emulated:autoScalingGroupName/${g.name}`) +
          el('MinSize', 0) +
          el('MaxSize', g.instanceIds.length) +
          el('DesiredCapacity', g.instanceIds.length) +
          el('DefaultCooldown', 300) +
          el('HealthCheckType', 'EC2') +
          el('CreatedTime', this.env.now().toISOString()) +
          wrap('Instances', instances.join('')),
      );
    });
    const next = start + size < all.length ? el('NextToken', String(start + size)) : '';
    return wrap('AutoScalingGroups', members.join('')) + next;
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'autoscaling',
      queryVersion: '2011-01-01',
      queryNamespace: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
      query: { DescribeAutoScalingGroups: (p) => this.describe(p) },
    };
  }
}
