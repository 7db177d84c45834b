import type { AwsIidApi, Ec2InstanceView, Page } from './aws-api.js';

/**
 * An in-memory {@link AwsIidApi} for unit tests: instances, instance profiles, accounts, nodegroups
 * and groups in plain fields, every call counted, and `hang` to make calls wait until aborted.
 */
export class FakeAwsIidApi implements AwsIidApi {
  readonly instances = new Map<string, Ec2InstanceView>();
  readonly profiles = new Map<string, string[]>();
  accounts: { id: string; status: string }[] = [];
  readonly nodegroups = new Map<string, Map<string, string[]>>();
  readonly groups = new Map<string, string[]>();
  readonly calls: string[] = [];
  /** When true, every call waits until its signal aborts, then rejects with the abort reason. */
  hang = false;
  closed = 0;

  private async enter(name: string, signal: AbortSignal): Promise<void> {
    this.calls.push(name);
    if (!this.hang) return;
    await new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }

  async describeInstance(instanceId: string, signal: AbortSignal): Promise<Ec2InstanceView[][]> {
    await this.enter('describeInstance', signal);
    const i = this.instances.get(instanceId);
    return i ? [[i]] : [];
  }

  async instanceProfileRoles(name: string, signal: AbortSignal): Promise<string[]> {
    await this.enter('instanceProfileRoles', signal);
    const p = this.profiles.get(name);
    if (!p) throw Object.assign(new Error(`Instance Profile ${name} cannot be found.`), { name: 'NoSuchEntityException' });
    return p;
  }

  async listAccounts(nextToken: string | undefined, signal: AbortSignal): Promise<Page<{ id: string; status: string }>> {
    await this.enter('listAccounts', signal);
    const start = Number(nextToken ?? 0);
    const next = start + 1 < this.accounts.length ? String(start + 1) : undefined;
    return { items: this.accounts.slice(start, start + 1), ...(next ? { nextToken: next } : {}) };
  }

  async listNodegroups(cluster: string, _nextToken: string | undefined, signal: AbortSignal): Promise<Page<string>> {
    await this.enter('listNodegroups', signal);
    return { items: [...(this.nodegroups.get(cluster)?.keys() ?? [])] };
  }

  async nodegroupAutoScalingGroups(cluster: string, nodegroup: string, signal: AbortSignal): Promise<string[]> {
    await this.enter('nodegroupAutoScalingGroups', signal);
    return this.nodegroups.get(cluster)?.get(nodegroup) ?? [];
  }

  async autoScalingGroupInstances(group: string, _nextToken: string | undefined, signal: AbortSignal): Promise<Page<string>> {
    await this.enter('autoScalingGroupInstances', signal);
    return { items: this.groups.get(group) ?? [] };
  }

  close(): void {
    this.closed++;
  }
}

/** A running instance as the block-device check wants it: ENI 0 and root volume attached together. */
export function healthyInstance(o: Partial<Ec2InstanceView> = {}): Ec2InstanceView {
  const t = new Date('2026-01-01T00:00:00Z');
  return {
    tags: [],
    securityGroups: [],
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDevices: [{ deviceName: '/dev/xvda', ebsAttachTime: t }],
    networkInterfaces: [{ deviceIndex: 0, attachTime: t }],
    ...o,
  };
}
