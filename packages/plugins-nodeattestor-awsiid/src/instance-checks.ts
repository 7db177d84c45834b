import type { Ec2InstanceView } from './aws-api.js';
import type { InstanceIdentity } from './iid-verify.js';

/** The most seconds allowed between the root volume's and the primary ENI's attach times. */
export const MAX_ATTACH_SKEW_SECONDS = 60;

const unixSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * The root-volume-swap defence: the instance's primary network interface (device index 0) must
 * exist and, unless the root device is an instance store, the root EBS volume must have been
 * attached within {@link MAX_ATTACH_SKEW_SECONDS} of it (a root volume swapped in later fails).
 * Returns SPIRE's reason when the check fails, undefined when it passes.
 */
export function blockDeviceProblem(i: Ec2InstanceView): string | undefined {
  const eni0 = i.networkInterfaces.find((n) => n.deviceIndex === 0);
  if (!eni0) return 'the EC2 instance network interface with device index 0 is inaccessible';
  if (i.rootDeviceType === 'instance-store') return undefined;
  const rootName = i.rootDeviceName ?? '';
  const root = i.blockDevices.find((b) => b.deviceName === rootName);
  if (!root) return `failed to locate the root device block mapping with name ${JSON.stringify(rootName)}`;
  // A missing time cannot prove the attachments close; it fails as a wide skew would.
  if (!root.ebsAttachTime || !eni0.attachTime) return `failed to read the attach times of the root device ${JSON.stringify(rootName)} and NetworkInterface[0]`;
  const skew = Math.abs(unixSeconds(eni0.attachTime) - unixSeconds(root.ebsAttachTime));
  if (skew > MAX_ATTACH_SKEW_SECONDS) {
    return `failed checking the disparity device attach times, root BlockDeviceMapping and NetworkInterface[0] attach times differ by ${skew} seconds`;
  }
  return undefined;
}

/** The instance's tags as the agent path template's `.Tags` map (a later duplicate key wins). */
export function instanceTags(i: Ec2InstanceView | undefined): Map<string, string> {
  return new Map((i?.tags ?? []).map((t) => [t.key, t.value]));
}

/** The selectors of the identity document: account, image, instance, region and zone. */
export function documentSelectors(doc: InstanceIdentity): string[] {
  return [
    `account_id:${doc.accountId}`,
    `image:id:${doc.imageId}`,
    `instance:id:${doc.instanceId}`,
    `region:${doc.region}`,
    `az:${doc.availabilityZone}`,
  ];
}

/** The selectors DescribeInstances gives: `tag:<key>:<value>`, `sg:id:<id>`, `sg:name:<name>`. */
export function instanceSelectors(i: Ec2InstanceView): string[] {
  return [...i.tags.map((t) => `tag:${t.key}:${t.value}`), ...i.securityGroups.flatMap((g) => [`sg:id:${g.id}`, `sg:name:${g.name}`])];
}

/**
 * The instance profile's name from its ARN: the last path element after `instance-profile/`.
 * Throws Error with SPIRE's message when the ARN does not parse or names no instance profile.
 */
export function instanceProfileName(arn: string): string {
  // Go's arn.Parse: six colon-separated sections, the first "arn", the last taking the rest.
  const sections = arn.split(':');
  if (sections.length < 6) throw new Error('failed to parse arn: not enough sections');
  if (sections[0] !== 'arn') throw new Error('failed to parse arn: invalid prefix');
  const r = /instance-profile[/:](.+)/.exec(sections.slice(5).join(':'));
  if (!r) throw new Error('arn is not for an instance profile');
  const parts = r[1]!.split('/');
  return parts[parts.length - 1]!;
}
