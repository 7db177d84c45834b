import { randomBytes } from 'node:crypto';
import type { EmulatorEnv } from './env.js';
import type { Ec2Instance, Ec2InstanceSeed } from './ec2-model.js';
import { ec2InstanceXml } from './ec2-xml.js';
import { buildIidDocument, IidSigner, type IidAttestationData } from './ec2-iid.js';
import { AwsError, queryList, wrap, type RequestContext, type ServiceModule } from './protocol.js';

export type { Ec2BlockDevice, Ec2Instance, Ec2InstanceSeed, Ec2InstanceState, Ec2NetworkInterface, Ec2SecurityGroup } from './ec2-model.js';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

function hex(n: number): string {
  return randomBytes(n).toString('hex').slice(0, n);
}

/**
 * EC2 (ec2 query protocol, Version 2016-11-15): DescribeInstances over seeded instances, which a
 * caller sees only in its own account (the caller of an assumed role is the role's account) and
 * in the region its request is signed for. It also plays the instance metadata service's
 * signing: {@link Ec2Service.attestationData} gives an instance's identity document signed by
 * the emulator's test "AWS" certificate ({@link IidSigner}).
 */
export class Ec2Service {
  /** The instances, by ID. */
  readonly instances = new Map<string, Ec2Instance>();
  private signer?: Promise<IidSigner>;

  constructor(readonly env: EmulatorEnv) {}

  /** Adds (or replaces) an instance and returns it as stored. */
  putInstance(seed: Ec2InstanceSeed): Ec2Instance {
    const region = seed.region ?? this.env.region;
    const launchTime = seed.launchTime ?? this.env.now();
    const rootDeviceName = seed.rootDeviceName ?? '/dev/xvda';
    const inst: Ec2Instance = {
      instanceId: seed.instanceId,
      accountId: seed.accountId ?? this.env.accountId,
      region,
      availabilityZone: seed.availabilityZone ?? `${region}a`,
      imageId: seed.imageId ?? `ami-${hex(17)}`,
      instanceType: seed.instanceType ?? 't3.micro',
      privateIp: seed.privateIp ?? '10.0.0.10',
      state: seed.state ?? 'running',
      launchTime,
      tags: { ...(seed.tags ?? {}) },
      securityGroups: [...(seed.securityGroups ?? [])],
      rootDeviceType: seed.rootDeviceType ?? 'ebs',
      rootDeviceName,
      blockDevices: (seed.blockDevices ?? [{ deviceName: rootDeviceName, attachTime: launchTime }]).map((b) => ({
        ...b,
        volumeId: b.volumeId ?? `vol-${hex(17)}`,
      })),
      networkInterfaces: (seed.networkInterfaces ?? [{ deviceIndex: 0, attachTime: launchTime }]).map((n) => ({
        ...n,
        networkInterfaceId: n.networkInterfaceId ?? `eni-${hex(17)}`,
      })),
      ...(seed.instanceProfileArn ? { instanceProfileArn: seed.instanceProfileArn } : {}),
    };
    this.instances.set(inst.instanceId, inst);
    return inst;
  }

  /** The test "AWS" signer of identity documents, made on first use and kept. */
  iidSigner(): Promise<IidSigner> {
    return (this.signer ??= IidSigner.create());
  }

  /** The instance's identity document text, as the instance metadata service serves it. */
  identityDocument(instanceId: string): string {
    const inst = this.instances.get(instanceId);
    if (!inst) throw new Error(`no instance ${instanceId}`);
    return buildIidDocument({
      accountId: inst.accountId,
      region: inst.region,
      availabilityZone: inst.availabilityZone,
      instanceId: inst.instanceId,
      imageId: inst.imageId,
      instanceType: inst.instanceType,
      privateIp: inst.privateIp,
      pendingTime: inst.launchTime,
    });
  }

  /**
   * What an aws_iid agent on the instance would send: its identity document with the RSA
   * signature and the RSA-2048 PKCS#7, signed by {@link iidSigner}.
   */
  async attestationData(instanceId: string): Promise<IidAttestationData> {
    const doc = this.identityDocument(instanceId);
    return (await this.iidSigner()).sign(doc);
  }

  private describeInstances(params: Map<string, string>, ctx: RequestContext): string {
    const caller = this.env.sts.identityOf(ctx.accessKeyId).account;
    const region = ctx.region || this.env.region;
    const ids = queryList(params, 'InstanceId');
    for (const id of ids) {
      if (!INSTANCE_ID.test(id)) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    }
    const visible = (i: Ec2Instance) => i.accountId === caller && i.region === region;
    const missing = ids.filter((id) => {
      const i = this.instances.get(id);
      return !i || !visible(i);
    });
    if (missing.length > 0) {
      throw new AwsError('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' does not exist`);
    }
    let found = ids.length > 0 ? ids.map((id) => this.instances.get(id)!) : [...this.instances.values()].filter(visible);
    for (let f = 1; params.has(`Filter.${f}.Name`); f++) {
      const name = params.get(`Filter.${f}.Name`)!;
      const values = queryList(params, `Filter.${f}.Value`);
      if (name === 'instance-state-name') found = found.filter((i) => values.includes(i.state));
      else if (name === 'instance-id') found = found.filter((i) => values.includes(i.instanceId));
      else throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    }
    const reservations = found.map((i) =>
      wrap(
        'item',
        `<reservationId>r-${i.instanceId.slice(2)}</reservationId><ownerId>${i.accountId}</ownerId><groupSet/>` +
          wrap('instancesSet', wrap('item', ec2InstanceXml(i))),
      ),
    );
    return wrap('reservationSet', reservations.join(''));
  }

  /** The wire module. */
  module(): ServiceModule {
    return {
      name: 'ec2',
      queryVersion: '2016-11-15',
      queryFlavor: 'ec2',
      queryNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15/',
      query: { DescribeInstances: (p, ctx) => this.describeInstances(p, ctx) },
    };
  }
}
