/** The EC2 state the emulator keeps: instances as tests seed them and as they are stored. */

/** An instance's state name, as EC2 reports it. */
export type Ec2InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

/** A security group the instance belongs to. */
export interface Ec2SecurityGroup {
  id: string;
  name: string;
}

/** A block device mapping (EBS): the device name and when the volume was attached. */
export interface Ec2BlockDevice {
  deviceName: string;
  attachTime: Date;
  volumeId?: string;
}

/** A network interface attachment: its device index and when it was attached. */
export interface Ec2NetworkInterface {
  deviceIndex: number;
  attachTime: Date;
  networkInterfaceId?: string;
}

/** What a test gives {@link Ec2Service.putInstance}; everything but the ID has a default. */
export interface Ec2InstanceSeed {
  instanceId: string;
  /** Owner account (default: the emulator's account). */
  accountId?: string;
  /** Default: the emulator's region. */
  region?: string;
  /** Default: `<region>a`. */
  availabilityZone?: string;
  imageId?: string;
  instanceType?: string;
  privateIp?: string;
  /** Default `running`. */
  state?: Ec2InstanceState;
  /** Default: the emulator's clock at seeding. */
  launchTime?: Date;
  tags?: Record<string, string>;
  securityGroups?: Ec2SecurityGroup[];
  /** `arn:aws:iam::<account>:instance-profile/<path/><name>`; none when unset. */
  instanceProfileArn?: string;
  /** Default `ebs`. */
  rootDeviceType?: 'ebs' | 'instance-store';
  /** Default `/dev/xvda`. */
  rootDeviceName?: string;
  /** Default: the root device, attached at launch. */
  blockDevices?: Ec2BlockDevice[];
  /** Default: one ENI at device index 0, attached at launch. */
  networkInterfaces?: Ec2NetworkInterface[];
}

/** An instance as the emulator stores it (every field resolved). */
export type Ec2Instance = Required<Omit<Ec2InstanceSeed, 'instanceProfileArn'>> & { instanceProfileArn?: string };
