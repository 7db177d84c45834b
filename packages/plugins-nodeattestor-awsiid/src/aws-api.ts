/**
 * The narrow view of AWS that aws_iid needs (EC2, IAM, Organizations, EKS, Auto Scaling), and its
 * AWS SDK v3 implementation. Every call is bounded by the caller's abort signal and each request
 * by the client's own timeout; the SDK's standard retry of throttling and 5xx stays on.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { DescribeNodegroupCommand, EKSClient, ListNodegroupsCommand } from '@aws-sdk/client-eks';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsClientConfig, type AwsConnection } from '@spire-ts/plugin-aws';
import { abortedCallError } from './deadline.js';

/** What aws_iid reads of an EC2 instance. */
export interface Ec2InstanceView {
  tags: { key: string; value: string }[];
  securityGroups: { id: string; name: string }[];
  instanceProfileArn?: string;
  rootDeviceType?: string;
  rootDeviceName?: string;
  blockDevices: { deviceName?: string; ebsAttachTime?: Date }[];
  networkInterfaces: { deviceIndex?: number; attachTime?: Date }[];
}

/** One page of a paginated listing. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** The AWS calls of one account and region. Each method rejects with the SDK's error. */
export interface AwsIidApi {
  /** DescribeInstances of one ID, in state pending or running: reservations, each a list of instances. */
  describeInstance(instanceId: string, signal: AbortSignal): Promise<Ec2InstanceView[][]>;
  /** IAM GetInstanceProfile: the ARNs of the profile's roles. */
  instanceProfileRoles(name: string, signal: AbortSignal): Promise<string[]>;
  /** Organizations ListAccounts: one page of `{id, status}`. */
  listAccounts(nextToken: string | undefined, signal: AbortSignal): Promise<Page<{ id: string; status: string }>>;
  /** EKS ListNodegroups: one page of nodegroup names. */
  listNodegroups(cluster: string, nextToken: string | undefined, signal: AbortSignal): Promise<Page<string>>;
  /** EKS DescribeNodegroup: the names of its Auto Scaling groups. */
  nodegroupAutoScalingGroups(cluster: string, nodegroup: string, signal: AbortSignal): Promise<string[]>;
  /** DescribeAutoScalingGroups of one group: one page of instance IDs. */
  autoScalingGroupInstances(group: string, nextToken: string | undefined, signal: AbortSignal): Promise<Page<string>>;
  /** Releases the clients; safe to call twice. */
  close(): void;
}

/** How {@link sdkAwsApi} connects. */
export interface SdkApiSettings {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Role assumed for EC2, IAM, EKS and Auto Scaling ('' = none). */
  assumeRoleArn: string;
  /** Role assumed for Organizations ('' = none). */
  orgRoleArn: string;
  /** Bound on each request and connection attempt. */
  timeoutMs: number;
  /** SDK attempts per call (undefined = the SDK's default). */
  maxAttempts?: number;
}

function view(i: Instance): Ec2InstanceView {
  return {
    tags: (i.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' })),
    securityGroups: (i.SecurityGroups ?? []).map((g) => ({ id: g.GroupId ?? '', name: g.GroupName ?? '' })),
    ...(i.IamInstanceProfile?.Arn ? { instanceProfileArn: i.IamInstanceProfile.Arn } : {}),
    ...(i.RootDeviceType ? { rootDeviceType: i.RootDeviceType } : {}),
    ...(i.RootDeviceName ? { rootDeviceName: i.RootDeviceName } : {}),
    blockDevices: (i.BlockDeviceMappings ?? []).map((b) => ({
      ...(b.DeviceName !== undefined ? { deviceName: b.DeviceName } : {}),
      ...(b.Ebs?.AttachTime ? { ebsAttachTime: b.Ebs.AttachTime } : {}),
    })),
    networkInterfaces: (i.NetworkInterfaces ?? []).map((n) => ({
      ...(n.Attachment?.DeviceIndex !== undefined ? { deviceIndex: n.Attachment.DeviceIndex } : {}),
      ...(n.Attachment?.AttachTime ? { attachTime: n.Attachment.AttachTime } : {}),
    })),
  };
}

/** The SDK implementation: one client per service, made on first use. */
export function sdkAwsApi(s: SdkApiSettings): AwsIidApi {
  const conn = (roleArn: string): AwsConnection => ({
    region: s.region,
    ...(s.accessKeyId ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : {}),
    ...(roleArn ? { assumeRoleArn: roleArn } : {}),
  });
  const opts = { timeoutMs: s.timeoutMs, ...(s.maxAttempts ? { maxAttempts: s.maxAttempts } : {}) };
  const made: { destroy(): void }[] = [];
  const lazy = <C extends { destroy(): void }>(make: () => C) => {
    let c: C | undefined;
    return () => {
      if (!c) made.push((c = make()));
      return c;
    };
  };
  const ec2 = lazy(() => new EC2Client(awsClientConfig('EC2', conn(s.assumeRoleArn), opts)));
  const iam = lazy(() => new IAMClient(awsClientConfig('IAM', conn(s.assumeRoleArn), opts)));
  const eks = lazy(() => new EKSClient(awsClientConfig('EKS', conn(s.assumeRoleArn), opts)));
  const asg = lazy(() => new AutoScalingClient(awsClientConfig('Auto Scaling', conn(s.assumeRoleArn), opts)));
  const org = lazy(() => new OrganizationsClient(awsClientConfig('Organizations', conn(s.orgRoleArn), opts)));
  const guard = async <T>(signal: AbortSignal, p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (e) {
      throw abortedCallError(e, signal);
    }
  };
  return {
    async describeInstance(instanceId, signal) {
      const out = await guard(signal, ec2().send(
        new DescribeInstancesCommand({ InstanceIds: [instanceId], Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }] }),
        { abortSignal: signal },
      ));
      return (out.Reservations ?? []).map((r) => (r.Instances ?? []).map(view));
    },
    async instanceProfileRoles(name, signal) {
      const out = await guard(signal, iam().send(new GetInstanceProfileCommand({ InstanceProfileName: name }), { abortSignal: signal }));
      return (out.InstanceProfile?.Roles ?? []).flatMap((r) => (r.Arn ? [r.Arn] : []));
    },
    async listAccounts(nextToken, signal) {
      const out = await guard(signal, org().send(new ListAccountsCommand(nextToken ? { NextToken: nextToken } : {}), { abortSignal: signal }));
      return { items: (out.Accounts ?? []).map((a) => ({ id: a.Id ?? '', status: a.Status ?? '' })), ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
    },
    async listNodegroups(cluster, nextToken, signal) {
      const out = await guard(signal, eks().send(new ListNodegroupsCommand({ clusterName: cluster, ...(nextToken ? { nextToken } : {}) }), { abortSignal: signal }));
      return { items: out.nodegroups ?? [], ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
    },
    async nodegroupAutoScalingGroups(cluster, nodegroup, signal) {
      const out = await guard(signal, eks().send(new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: nodegroup }), { abortSignal: signal }));
      return (out.nodegroup?.resources?.autoScalingGroups ?? []).flatMap((g) => (g.name ? [g.name] : []));
    },
    async autoScalingGroupInstances(group, nextToken, signal) {
      const out = await guard(signal, asg().send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group], ...(nextToken ? { NextToken: nextToken } : {}) }),
        { abortSignal: signal },
      ));
      const ids = (out.AutoScalingGroups ?? []).flatMap((g) => (g.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])));
      return { items: ids, ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
    },
    close() {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}
