import type { Ec2Instance } from './ec2-model.js';
import { el, wrap } from './protocol.js';

const STATE_CODES: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

function items(tag: string, list: string[]): string {
  return list.length === 0 ? `<${tag}/>` : wrap(tag, list.map((x) => wrap('item', x)).join(''));
}

/** The `instancesSet/item` children of one instance, in EC2's DescribeInstances XML. */
export function ec2InstanceXml(i: Ec2Instance): string {
  const tags = Object.entries(i.tags).map(([k, v]) => el('key', k) + el('value', v));
  const groups = i.securityGroups.map((g) => el('groupId', g.id) + el('groupName', g.name));
  const bdm = i.blockDevices.map(
    (b) =>
      el('deviceName', b.deviceName) +
      wrap('ebs', el('volumeId', b.volumeId) + el('status', 'attached') + el('attachTime', b.attachTime.toISOString()) + el('deleteOnTermination', true)),
  );
  const enis = i.networkInterfaces.map(
    (n) =>
      el('networkInterfaceId', n.networkInterfaceId) +
      el('ownerId', i.accountId) +
      el('status', 'in-use') +
      wrap(
        'attachment',
        el('attachmentId', `eni-attach-${n.networkInterfaceId?.slice(4)}`) +
          el('deviceIndex', n.deviceIndex) +
          el('status', 'attached') +
          el('attachTime', n.attachTime.toISOString()) +
          el('deleteOnTermination', true),
      ),
  );
  return (
    el('instanceId', i.instanceId) +
    el('imageId', i.imageId) +
    wrap('instanceState', el('code', STATE_CODES[i.state] ?? 0) + el('name', i.state)) +
    el('instanceType', i.instanceType) +
    el('launchTime', i.launchTime.toISOString()) +
    wrap('placement', el('availabilityZone', i.availabilityZone) + el('tenancy', 'default')) +
    el('privateIpAddress', i.privateIp) +
    items('groupSet', groups) +
    el('rootDeviceType', i.rootDeviceType) +
    el('rootDeviceName', i.rootDeviceName) +
    items('blockDeviceMapping', bdm) +
    (i.instanceProfileArn ? wrap('iamInstanceProfile', el('arn', i.instanceProfileArn) + el('id', 'AIPA' + i.instanceId.slice(2).toUpperCase())) : '') +
    items('tagSet', tags) +
    items('networkInterfaceSet', enis)
  );
}
